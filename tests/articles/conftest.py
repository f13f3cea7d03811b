"""Article fixtures: editorial roles (an author with an account, a second author, an editor, a
staff account without a role) and their articles."""

import pytest

from articles import workflow
from authors.models import Author
from tests import factories, queries
from tests.factories import signed_in_client, staff_user


@pytest.fixture
def author_user(author):
    """The account of ``author`` (Ada Byline), in the Authors group."""
    user = staff_user("ada", "Authors", email="ada@example.org")
    author.user = user
    author.save()
    return user


@pytest.fixture
def other_author(db):
    return Author.objects.create(name="Otto Other", slug="otto-other", credentials="MD")


@pytest.fixture
def other_author_user(other_author):
    user = staff_user("otto", "Authors")
    other_author.user = user
    other_author.save()
    return user


@pytest.fixture
def reviewer(db):
    """A clinician who reviews other authors' articles."""
    return Author.objects.get_or_create(
        slug="rita-reviewer", defaults={"name": "Rita Reviewer", "credentials": "MD"}
    )[0]


@pytest.fixture
def roleless_staff_user(db):
    """Staff without any article or author permission."""
    return staff_user("mo")


@pytest.fixture
def author_client(author_user):
    return signed_in_client(author_user)


@pytest.fixture
def other_author_client(other_author_user):
    return signed_in_client(other_author_user)


@pytest.fixture
def roleless_staff_client(roleless_staff_user):
    return signed_in_client(roleless_staff_user)


@pytest.fixture
def own_draft(make_article, author_user):
    return make_article(published=False, title="Ada own draft?")


@pytest.fixture
def others_draft(make_article, other_author, other_author_user):
    return make_article(published=False, title="Otto secret draft?", author=other_author)


@pytest.fixture
def reviewed_article(own_draft, editor_user, reviewer):
    """Ada's draft, submitted and signed off by the reviewer: ready to publish."""
    workflow.submit_for_review(own_draft, by=editor_user)
    workflow.sign_off_review(own_draft, by=editor_user, reviewer=reviewer)
    return own_draft


@pytest.fixture
def live_article(reviewed_article, editor_user):
    """Ada's article, published: readers see version 1."""
    workflow.publish(reviewed_article, by=editor_user, note="First version")
    return reviewed_article


@pytest.fixture
def count_queries(client):
    """GET ``url`` with the client, assert a 200 and return the number of SQL queries run."""
    return lambda url: queries.count_queries(client, url)[0]


@pytest.fixture
def add_section(db):
    """Append a section with ``body`` (Markdown) and ``kind`` to an article's working copy."""
    return factories.add_section


@pytest.fixture
def draft(make_article):
    return make_article(published=False, title="What is a hidden draft condition?")
