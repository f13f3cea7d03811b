"""Article fixtures: editorial roles (an author with an account, a second author, an editor, a
moderator) and discovery helpers (query counting, sections added to an article)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from articles import workflow
from articles.models import Article, Section
from authors.models import Author
from tests import queries


def staff_user(django_user_model, username, group=None):
    # No password: tests sign in with force_login, and hashing one is slow.
    user = django_user_model.objects.create_user(username, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def author_user(django_user_model, author):
    """The account of ``author`` (Ada Byline), in the Authors group."""
    user = staff_user(django_user_model, "ada", "Authors")
    author.user = user
    author.save()
    return user


@pytest.fixture
def other_author(db):
    return Author.objects.create(name="Otto Other", slug="otto-other", credentials="MD")


@pytest.fixture
def other_author_user(django_user_model, other_author):
    user = staff_user(django_user_model, "otto", "Authors")
    other_author.user = user
    other_author.save()
    return user


@pytest.fixture
def reviewer(db):
    """A clinician who reviews other authors' articles."""
    return Author.objects.create(name="Rita Reviewer", slug="rita-reviewer", credentials="MD")


@pytest.fixture
def editor_user(django_user_model):
    return staff_user(django_user_model, "edna", "Editors")


@pytest.fixture
def moderator_user(django_user_model):
    """Staff without any article or author permission."""
    return staff_user(django_user_model, "mo")


@pytest.fixture
def author_client(author_user):
    return client_for(author_user)


@pytest.fixture
def other_author_client(other_author_user):
    return client_for(other_author_user)


@pytest.fixture
def editor_client(editor_user):
    return client_for(editor_user)


@pytest.fixture
def moderator_client(moderator_user):
    return client_for(moderator_user)


@pytest.fixture
def own_draft(make_article, author_user):
    return make_article(status=Article.Status.DRAFT, title="Ada own draft?")


@pytest.fixture
def others_draft(make_article, other_author, other_author_user):
    return make_article(
        status=Article.Status.DRAFT, title="Otto secret draft?", author=other_author
    )


@pytest.fixture
def reviewed_article(own_draft, editor_user, reviewer):
    """Ada's draft, submitted and signed off by the reviewer: ready to publish."""
    workflow.submit_for_review(own_draft, by=editor_user)
    return workflow.sign_off_review(own_draft, by=editor_user, reviewer=reviewer)


@pytest.fixture
def count_queries(client):
    """GET ``url`` with the client, assert a 200 and return the number of SQL queries run."""
    return lambda url: queries.count_queries(client, url)[0]


@pytest.fixture
def add_section(db):
    """Append a section with ``body`` (Markdown) and ``kind`` to an article."""

    def add(article, heading, body, kind=Section.Kind.OTHER):
        position = article.sections.count() + 1
        return Section.objects.create(
            article=article,
            position=position,
            heading=heading,
            anchor=f"section-{position}",
            kind=kind,
            body=body,
        )

    return add


@pytest.fixture
def draft(make_article):
    return make_article(status=Article.Status.DRAFT, title="What is a hidden draft condition?")
