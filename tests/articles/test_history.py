"""Every admin save is recorded with its user; editors read the history and restore a version."""

import pytest
from django.urls import reverse

from articles.models import Reference

from .test_admin_roles import article_post_data, change_url

pytestmark = pytest.mark.django_db


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def edit_in_admin(client, article, title, body):
    data = article_post_data(article, title=title)
    data["sections-0-body"] = body
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["errors"]


def test_each_admin_save_is_recorded_with_who_and_what(editor_client, author_client, own_draft):
    edit_in_admin(author_client, own_draft, "Ada second title?", "Second body.")
    edit_in_admin(editor_client, own_draft, "Edna third title?", "Third body.")
    records = list(own_draft.history.order_by("history_date"))
    assert [r.title for r in records] == [
        "Ada own draft?",
        "Ada second title?",
        "Edna third title?",
    ]
    assert [r.history_user.username for r in records[1:]] == ["ada", "edna"]
    section_users = own_draft.sections.get(position=1).history.values_list(
        "history_user__username", flat=True
    )
    assert set(section_users) >= {"ada", "edna"}

    page = editor_client.get(history_url(own_draft)).content.decode()
    assert "edna" in page
    assert "Ada second title?" in page  # the readable change summary: old and new title
    assert "Edna third title?" in page
    assert records[2].history_change_reason == (
        "Changed Title. Changed Body for section “Heading 1”."
    )


def test_authors_and_moderators_cannot_read_the_history(author_client, moderator_client, own_draft):
    assert author_client.get(history_url(own_draft)).status_code == 403
    assert moderator_client.get(history_url(own_draft)).status_code in {403, 404}
    first = own_draft.history.earliest()
    revert = reverse("admin:articles_article_simple_history", args=[own_draft.pk, first.pk])
    assert author_client.get(revert).status_code == 403
    assert author_client.post(revert).status_code == 403


def test_editor_restores_an_earlier_version_with_its_sections(
    editor_client, author_client, own_draft
):
    Reference.objects.create(article=own_draft, position=1, text="Original source")
    edit_in_admin(author_client, own_draft, "Rewritten title?", "Rewritten body.")
    own_draft.references.all().delete()
    edit_in_admin(author_client, own_draft, "Rewritten again?", "Rewritten again.")
    first = own_draft.history.earliest()

    revert = reverse("admin:articles_article_simple_history", args=[own_draft.pk, first.pk])
    assert editor_client.get(revert).status_code == 200
    response = editor_client.post(revert, {})
    assert response.status_code == 302

    own_draft.refresh_from_db()
    assert own_draft.title == "Ada own draft?"
    section = own_draft.sections.get(position=1)
    assert section.body.startswith("Paragraph 1.")
    assert "<p>Paragraph 1.</p>" in section.body_html
    assert own_draft.sections.count() == 3
    assert list(own_draft.references.values_list("text", flat=True)) == ["Original source"]
    latest = own_draft.history.latest()
    assert latest.history_user.username == "edna"
    assert latest.history_change_reason.startswith("Restored the version of")
