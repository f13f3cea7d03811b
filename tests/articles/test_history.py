"""Every save of a working copy is a revision with who, when and what changed; editors read the
history, compare revisions and restore one as a new draft revision."""

import pytest
from django.urls import reverse

from articles.models import Reference, Revision

from .helpers import edit_in_admin

pytestmark = pytest.mark.django_db


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def revision_url(article, number):
    return reverse("admin:articles_article_revision", args=[article.pk, number])


def test_each_admin_save_is_a_revision_with_who_and_what(editor_client, author_client, own_draft):
    edit_in_admin(
        author_client, own_draft, title="Ada second title?", **{"sections-0-body": "Second body."}
    )
    edit_in_admin(
        editor_client, own_draft, title="Edna third title?", **{"sections-0-body": "Third body."}
    )
    revisions = list(own_draft.revisions.order_by("number"))
    assert [r.content["title"] for r in revisions] == [
        "Ada own draft?",
        "Ada second title?",
        "Edna third title?",
    ]
    assert [r.created_by.username for r in revisions[1:]] == ["ada", "edna"]
    # The summary names what changed, and only that: the untouched sections are not listed.
    assert revisions[2].summary == "Changed Title; Changed Section “Heading 1”"

    page = editor_client.get(history_url(own_draft)).content.decode()
    assert "edna" in page
    assert "Changed Title; Changed Section “Heading 1”" in page
    assert "None" not in page
    assert "pk=None" not in page


def test_a_save_that_changes_nothing_records_no_revision(editor_client, own_draft):
    edit_in_admin(editor_client, own_draft, title="Changed once?")
    own_draft.refresh_from_db()
    edit_in_admin(editor_client, own_draft)
    assert own_draft.revisions.count() == 2
    assert own_draft.revisions.order_by("number").last().content["title"] == "Changed once?"


def test_a_revision_page_shows_a_word_diff_of_the_changed_section_only(editor_client, own_draft):
    edit_in_admin(
        editor_client,
        own_draft,
        **{"sections-1-body": "Paragraph 2 now mentions ibuprofen.\n\n- **Term 2:** first"},
    )
    page = editor_client.get(revision_url(own_draft, 2)).content.decode()
    assert "Section “Heading 2”" in page
    assert "<ins> now mentions ibuprofen</ins>" in page
    assert "<del>- second</del>" in page or "<del>" in page
    assert "Section “Heading 1”" not in page
    assert "Section “Heading 3”" not in page


def test_authors_and_roleless_staff_cannot_read_the_history(
    author_client, roleless_staff_client, own_draft
):
    assert author_client.get(history_url(own_draft)).status_code == 403
    # Another person's article does not exist for staff without a role.
    assert roleless_staff_client.get(history_url(own_draft)).status_code == 404
    assert author_client.get(revision_url(own_draft, 1)).status_code == 403
    assert author_client.post(revision_url(own_draft, 1)).status_code == 403
    assert own_draft.revisions.count() == 1


def test_editor_restores_an_earlier_revision_with_its_sections(
    editor_client, author_client, own_draft
):
    Reference.objects.create(article=own_draft, position=1, text="Original source")
    edit_in_admin(editor_client, own_draft)  # revision 2, with the reference
    edit_in_admin(
        author_client, own_draft, title="Rewritten title?", **{"sections-0-body": "Rewritten."}
    )
    own_draft.references.all().delete()
    edit_in_admin(author_client, own_draft, title="Rewritten again?")
    assert own_draft.revisions.count() == 4

    assert editor_client.get(revision_url(own_draft, 2)).status_code == 200
    response = editor_client.post(revision_url(own_draft, 2))
    assert response.status_code == 302

    own_draft.refresh_from_db()
    assert own_draft.title == "Ada own draft?"
    assert own_draft.sections.get(position=1).body.startswith("Paragraph 1.")
    assert own_draft.sections.count() == 3
    assert list(own_draft.references.values_list("text", flat=True)) == ["Original source"]
    latest = own_draft.revisions.order_by("-number").first()
    assert (latest.number, latest.created_by.username) == (5, "edna")
    assert latest.summary == "Restored revision 2"
    assert latest.fingerprint == Revision.objects.get(article=own_draft, number=2).fingerprint
    assert own_draft.events.get(action="restored").note == "Revision 2"


def test_an_unknown_revision_is_a_404(editor_client, own_draft):
    assert editor_client.get(revision_url(own_draft, 99)).status_code == 404
    assert editor_client.post(revision_url(own_draft, 99)).status_code == 404


def test_browser_line_breaks_in_untouched_sections_are_not_a_change(editor_client, own_draft):
    """Browsers post textarea text with CRLF line breaks; that alone changes nothing."""
    crlf = {
        f"sections-{index}-body": section.body.replace("\n", "\r\n")
        for index, section in enumerate(own_draft.sections.order_by("position"))
    }
    edit_in_admin(editor_client, own_draft, **crlf)
    assert own_draft.revisions.count() == 1
    crlf["sections-2-body"] = "Only the third changes.\r\n\r\n- a list"
    edit_in_admin(editor_client, own_draft, **crlf)
    assert own_draft.revisions.order_by("-number").first().summary == (
        "Changed Section “Heading 3”"
    )
