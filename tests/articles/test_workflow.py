"""Draft → in review → published and back: who may make each transition, and the review gate."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ChangeLogEntry, Section
from articles.workflow import WorkflowError

pytestmark = pytest.mark.django_db


def workflow_url(article):
    return reverse("admin:articles_article_workflow", args=[article.pk])


def test_author_submits_their_own_draft_for_review(author_client, own_draft):
    response = author_client.post(workflow_url(own_draft), {"action": "submit"})
    assert response.status_code == 302
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.IN_REVIEW
    record = own_draft.history.latest()
    assert record.history_change_reason == "Submitted for review"
    assert record.history_user.username == "ada"


def test_author_cannot_submit_someone_elses_draft(author_user, others_draft):
    with pytest.raises(PermissionDenied):
        workflow.submit_for_review(others_draft, by=author_user)
    others_draft.refresh_from_db()
    assert others_draft.status == Article.Status.DRAFT


@pytest.mark.parametrize("action", ["publish", "schedule", "unpublish", "sign_off"])
def test_author_may_not_publish_unpublish_schedule_or_sign_off(
    author_client, reviewed_article, reviewer, action
):
    data = {
        "action": action,
        "note": "First version",
        "reviewer": reviewer.pk,
        "publish_at": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert author_client.post(workflow_url(reviewed_article), data).status_code == 403
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.IN_REVIEW


def test_editor_publishes_a_reviewed_article_with_a_change_note(
    editor_client, client, reviewed_article
):
    response = editor_client.post(
        workflow_url(reviewed_article), {"action": "publish", "note": "First version"}
    )
    assert response.status_code == 302
    reviewed_article.refresh_from_db()
    assert reviewed_article.is_public
    assert list(reviewed_article.changes.values_list("note", flat=True)) == ["First version"]
    page = client.get(reviewed_article.get_absolute_url()).content.decode()
    assert "What changed" in page
    assert "First version" in page


def test_publishing_needs_a_note(editor_client, reviewed_article):
    response = editor_client.post(workflow_url(reviewed_article), {"action": "publish"})
    assert response.status_code == 400
    assert "What changed" in response.content.decode()
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.IN_REVIEW
    assert not ChangeLogEntry.objects.exists()


def test_no_publishing_without_a_sign_off(editor_client, editor_user, own_draft):
    workflow.submit_for_review(own_draft, by=editor_user)
    response = editor_client.post(workflow_url(own_draft), {"action": "publish", "note": "x"})
    assert response.status_code == 400
    assert "must sign off the current version" in response.content.decode()
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.IN_REVIEW


def test_a_draft_cannot_be_published_directly(editor_user, own_draft, reviewer):
    workflow.sign_off_review(own_draft, by=editor_user, reviewer=reviewer)
    with pytest.raises(WorkflowError, match="Submit the draft"):
        workflow.publish(own_draft, by=editor_user, note="x")


def test_editing_after_the_sign_off_needs_a_new_review(editor_user, reviewed_article, reviewer):
    Section.objects.filter(article=reviewed_article, position=1).update(body="Changed dose.")
    with pytest.raises(WorkflowError, match="sign off the current version"):
        workflow.publish(reviewed_article, by=editor_user, note="x")
    workflow.sign_off_review(reviewed_article, by=editor_user, reviewer=reviewer)
    workflow.publish(reviewed_article, by=editor_user, note="Dose updated")
    assert reviewed_article.status == Article.Status.PUBLISHED


def test_the_author_cannot_review_their_own_article(editor_client, editor_user, own_draft, author):
    with pytest.raises(WorkflowError, match="someone other than the author"):
        workflow.sign_off_review(own_draft, by=editor_user, reviewer=author)
    # The form does not even offer the author, and the database refuses it too.
    response = editor_client.post(
        workflow_url(own_draft), {"action": "sign_off", "reviewer": author.pk}
    )
    assert response.status_code == 400
    with transaction.atomic(), pytest.raises(IntegrityError):
        Article.objects.filter(pk=own_draft.pk).update(reviewed_by=author)


def test_editor_signs_off_through_the_admin(editor_client, own_draft, reviewer):
    response = editor_client.post(
        workflow_url(own_draft),
        {"action": "sign_off", "reviewer": reviewer.pk, "reviewed_on": "2026-11-01"},
    )
    assert response.status_code == 302
    own_draft.refresh_from_db()
    assert own_draft.reviewed_by == reviewer
    assert str(own_draft.last_reviewed) == "2026-11-01"
    assert own_draft.review_is_current


def test_editor_unpublishes_back_to_draft(editor_client, client, editor_user, reviewed_article):
    workflow.publish(reviewed_article, by=editor_user, note="First version")
    response = editor_client.post(workflow_url(reviewed_article), {"action": "unpublish"})
    assert response.status_code == 302
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.DRAFT
    assert client.get(reviewed_article.get_absolute_url()).status_code == 404


def test_scheduled_article_appears_at_its_time_without_a_job(
    editor_client, client, reviewed_article
):
    at = timezone.now() + timedelta(hours=2)
    response = editor_client.post(
        workflow_url(reviewed_article),
        {
            "action": "schedule",
            "note": "First version",
            "publish_at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.PUBLISHED
    assert client.get(reviewed_article.get_absolute_url()).status_code == 404
    assert reviewed_article.title not in client.get("/").content.decode()
    with time_machine.travel(at + timedelta(minutes=1)):
        assert client.get(reviewed_article.get_absolute_url()).status_code == 200
        assert reviewed_article.title in client.get("/").content.decode()


def test_scheduling_in_the_past_is_refused(editor_user, reviewed_article):
    with pytest.raises(WorkflowError, match="in the future"):
        workflow.schedule(
            reviewed_article,
            by=editor_user,
            at=timezone.now() - timedelta(minutes=5),
            note="x",
        )
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.IN_REVIEW


def test_status_values_are_checked_by_the_database(own_draft):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Article.objects.filter(pk=own_draft.pk).update(status="archived")


def test_preview_banner_names_the_state(editor_client, editor_user, reviewed_article):
    page = editor_client.get(reviewed_article.get_absolute_url()).content.decode()
    assert "<strong>In review</strong>" in page
    at = timezone.now() + timedelta(days=3)
    workflow.schedule(reviewed_article, by=editor_user, at=at, note="First version")
    page = editor_client.get(reviewed_article.get_absolute_url()).content.decode()
    assert "<strong>Scheduled for " in page


def test_readers_are_told_when_a_live_article_changed_after_its_review(
    client, editor_user, reviewed_article
):
    """An edit to a published article does not borrow the earlier review's authority."""
    workflow.publish(reviewed_article, by=editor_user, note="First published")
    page = client.get(reviewed_article.get_absolute_url()).content.decode()
    assert "Last reviewed" in page
    assert "a new medical review is pending" not in page

    section = reviewed_article.sections.get(position=1)
    section.body = "A corrected paragraph."
    section.save()
    page = client.get(reviewed_article.get_absolute_url()).content.decode()
    assert "A corrected paragraph." in page
    assert "The text has changed since this review; a new medical review is pending." in page
