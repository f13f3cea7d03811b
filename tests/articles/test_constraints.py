"""The database itself refuses article rows that break the rules, whatever the code does.

Each test writes valid rows the usual way, then forces a rule-breaking write past the models
(``update``, ``create``, ``bulk_create``) and expects the named constraint to refuse it.
Constraints proven in other modules are listed in tests/test_constraints.py.
"""

import datetime

import pytest

from articles.models import (
    ArticleEvent,
    PublishedVersion,
    Reference,
    ReferenceCheck,
    RelatedArticle,
    Revision,
    Section,
    VersionTerm,
)
from tests.constraints import refused_by, rule


@pytest.mark.parametrize(
    ("constraint", "change"),
    [
        rule("section_position_unique_per_article", {"position": 1}),
        rule("section_anchor_unique_per_article", {"anchor": "heading-1"}),
        rule("section_kind_valid", {"kind": "gossip"}),
    ],
)
def test_a_section_has_its_own_position_and_anchor_and_a_known_kind(
    make_article, constraint, change
):
    second = make_article(published=False).sections.get(position=2)
    with refused_by(constraint):
        Section.objects.filter(pk=second.pk).update(**change)


def test_two_references_of_an_article_cannot_share_a_number(make_article):
    article = make_article(published=False)
    Reference.objects.create(article=article, position=1, text="Meyers C. 2019.")
    with refused_by("reference_position_unique_per_article"):
        Reference.objects.create(article=article, position=1, text="Another source.")


@pytest.mark.parametrize(
    ("is_broken", "broken_since"),
    [
        pytest.param(True, None, id="broken-without-a-date"),
        pytest.param(False, datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC), id="working-dated"),
    ],
)
def test_a_link_check_dates_a_broken_link_and_only_a_broken_one(db, is_broken, broken_since):
    check = ReferenceCheck.objects.create(url="https://example.org/source")
    with refused_by("reference_check_broken_since_when_broken"):
        ReferenceCheck.objects.filter(pk=check.pk).update(
            is_broken=is_broken, broken_since=broken_since
        )


def test_an_article_has_one_revision_of_each_number(make_article):
    first = make_article(published=False).revisions.get()
    with refused_by("revision_number_unique_per_article"):
        Revision.objects.create(
            article=first.article,
            number=first.number,
            content=first.content,
            fingerprint=first.fingerprint,
            summary="The same number again",
        )


def test_revisions_are_numbered_from_1(make_article):
    revision = make_article(published=False).revisions.get()
    with refused_by("revision_number_from_1"):
        Revision.objects.filter(pk=revision.pk).update(number=0)


def test_sending_an_article_back_needs_a_note(make_article):
    event = ArticleEvent.objects.create(
        article=make_article(published=False), action="sent_back", note="Cite the dose."
    )
    with refused_by("article_event_sent_back_has_note"):
        ArticleEvent.objects.filter(pk=event.pk).update(note="")


def test_only_a_sign_off_carries_a_review_date(make_article):
    """The other half of the rule (a sign-off names reviewer, date and revision) is in
    tests/articles/test_workflow.py."""
    submitted = make_article().events.get(action="submitted")
    with refused_by("article_event_sign_off_complete"):
        ArticleEvent.objects.filter(pk=submitted.pk).update(reviewed_on=datetime.date(2026, 1, 5))


def test_an_article_has_one_published_version_of_each_number(make_article):
    copy = make_article().published_versions.get()
    copy.pk = None
    with refused_by("version_number_unique_per_article"):
        PublishedVersion.objects.bulk_create([copy])


@pytest.mark.parametrize(
    ("constraint", "change"),
    [
        rule("version_term_unique_per_kind", {"slug": "joint-stiffness"}),
        rule("version_term_kind_valid", {"kind": "gossip"}),
    ],
)
def test_a_version_lists_a_term_once_per_kind_and_only_known_kinds(
    make_article, constraint, change
):
    version = make_article().published_versions.get()
    version.terms.create(
        kind="symptoms", position=1, name="Joint stiffness", slug="joint-stiffness"
    )
    swelling = version.terms.create(kind="symptoms", position=2, name="Swelling", slug="swelling")
    with refused_by(constraint):
        VersionTerm.objects.filter(pk=swelling.pk).update(**change)


@pytest.fixture
def related_list(make_article):
    """An article whose related list names two others, at positions 1 and 2."""
    source, first, second = (make_article(published=False) for _ in range(3))
    RelatedArticle.objects.create(source=source, related=first, position=1)
    RelatedArticle.objects.create(source=source, related=second, position=2)
    return RelatedArticle.objects.filter(source=source)


def test_a_related_list_names_an_article_once(related_list):
    first = related_list.get(position=1)
    with refused_by("related_article_once"):
        related_list.filter(position=2).update(related=first.related)


def test_a_related_list_has_one_article_per_position(related_list):
    with refused_by("related_article_position"):
        related_list.filter(position=2).update(position=1)


def test_an_article_is_not_related_to_itself(related_list):
    entry = related_list.get(position=1)
    with refused_by("related_article_not_self"):
        related_list.filter(pk=entry.pk).update(related=entry.source)
