"""Draft → in review → signed off → published: who may make each step, and the review gate."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles import workflow
from articles.models import Article, ArticleEvent, PublishedVersion, Section
from articles.workflow import WorkflowError
from tests.factories import signed_in_client, staff_user

from .helpers import (
    CHANGELIST,
    article_post_data,
    change_url,
    edit_in_admin,
    preview_url,
    workflow_url,
)

pytestmark = pytest.mark.django_db

HOME = reverse("articles:home")
DASHBOARD = reverse("admin:index")


def events(article):
    return list(article.events.order_by("created_at", "pk").values_list("action", flat=True))


def test_author_submits_their_own_draft_for_review(author_client, own_draft):
    response = author_client.post(workflow_url(own_draft), {"action": "submit"})
    assertRedirects(response, change_url(own_draft), fetch_redirect_response=False)
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.IN_REVIEW
    event = own_draft.events.get()
    assert (event.action, event.actor.username) == ("submitted", "ada")
    assert event.revision == own_draft.revisions.get(number=1)


def test_author_cannot_submit_someone_elses_draft(author_user, others_draft):
    with pytest.raises(PermissionDenied):
        workflow.submit_for_review(others_draft, by=author_user)
    others_draft.refresh_from_db()
    assert others_draft.status == Article.Status.DRAFT
    assert not others_draft.events.exists()


@pytest.mark.parametrize("action", ["publish", "schedule", "unpublish", "sign_off", "send_back"])
def test_author_may_not_publish_unpublish_schedule_sign_off_or_send_back(
    author_client, reviewed_article, reviewer, action
):
    data = {
        "action": action,
        "note": "First version",
        "message": "Fix it",
        "reviewer": reviewer.pk,
        "publish_at": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert author_client.post(workflow_url(reviewed_article), data).status_code == 403
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.IN_REVIEW
    assert not PublishedVersion.objects.exists()
    assert events(reviewed_article) == ["submitted", "signed_off"]


def test_editor_publishes_a_reviewed_article_with_a_change_note(
    editor_client, client, reviewed_article, reviewer
):
    response = editor_client.post(
        workflow_url(reviewed_article), {"action": "publish", "note": "First version"}
    )
    assertRedirects(response, change_url(reviewed_article), fetch_redirect_response=False)
    version = PublishedVersion.objects.get(article=reviewed_article)
    assert (version.number, version.change_note, version.reviewed_by) == (
        1,
        "First version",
        reviewer,
    )
    assert version.revision == reviewed_article.revisions.get()
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.DRAFT  # open for the next change
    page = client.get(reviewed_article.get_absolute_url())
    assertContains(page, "What changed")
    assertContains(page, "First version")
    assertContains(page, "Medically reviewed by")
    assert events(reviewed_article) == ["submitted", "signed_off", "published"]


def test_publishing_needs_a_note(editor_client, reviewed_article):
    response = editor_client.post(workflow_url(reviewed_article), {"action": "publish"})
    assertContains(response, "What changed", status_code=400)
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.IN_REVIEW
    assert not PublishedVersion.objects.exists()


def test_no_publishing_without_a_sign_off(editor_client, editor_user, own_draft):
    workflow.submit_for_review(own_draft, by=editor_user)
    response = editor_client.post(workflow_url(own_draft), {"action": "publish", "note": "x"})
    assertContains(response, "must sign off the current version", status_code=400)
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.IN_REVIEW
    assert not PublishedVersion.objects.exists()


def test_a_draft_can_be_neither_signed_off_nor_published(editor_user, own_draft, reviewer):
    with pytest.raises(WorkflowError, match="Only an article in review can be signed off"):
        workflow.sign_off_review(own_draft, by=editor_user, reviewer=reviewer)
    with pytest.raises(WorkflowError, match="Submit the draft"):
        workflow.publish(own_draft, by=editor_user, note="x")
    assert not own_draft.events.exists()
    assert not PublishedVersion.objects.exists()


def sign_off_form(client, article):
    """The sign-off form's fields as the workflow page gives them to the reviewer."""
    page = client.get(workflow_url(article))
    return {"action": "sign_off", "seen": page.context["seen"]}


def test_a_sign_off_covers_only_the_text_its_page_showed(
    editor_client, editor_user, client, own_draft, reviewer, author_client
):
    """An edit saved between opening the page and signing off is not covered: the reviewer
    is asked to read again, and nothing of the unread text can be published."""
    workflow.submit_for_review(own_draft, by=editor_user)
    form = sign_off_form(editor_client, own_draft)
    edit_in_admin(editor_client, own_draft, **{"sections-0-body": "Stop all your medicines."})

    response = editor_client.post(workflow_url(own_draft), {**form, "reviewer": reviewer.pk})

    assertContains(response, "The article changed since this page was opened", status_code=400)
    assert workflow.current_sign_off(own_draft) is None
    with pytest.raises(WorkflowError, match="must sign off"):
        workflow.publish(own_draft, by=editor_user, note="x")
    # Signed off from a fresh page, it covers the new text.
    form = sign_off_form(editor_client, own_draft)
    response = editor_client.post(workflow_url(own_draft), {**form, "reviewer": reviewer.pk})
    assertRedirects(response, change_url(own_draft), fetch_redirect_response=False)
    workflow.publish(own_draft, by=editor_user, note="x")
    assert "Stop all your medicines." in client.get(own_draft.get_absolute_url()).text


def test_a_sign_off_posted_without_the_page_s_text_is_refused(
    editor_client, editor_user, own_draft, reviewer
):
    workflow.submit_for_review(own_draft, by=editor_user)
    response = editor_client.post(
        workflow_url(own_draft), {"action": "sign_off", "reviewer": reviewer.pk}
    )
    assertContains(response, "The article changed since this page was opened", status_code=400)
    assert workflow.current_sign_off(own_draft) is None


def test_the_sign_off_form_shows_only_where_a_sign_off_may_be_recorded(
    own_draft, author, editor_client, editor_user
):
    def offered(client):
        return "Sign off the medical review" in client.get(workflow_url(own_draft)).text

    assert not offered(editor_client)  # a draft
    workflow.submit_for_review(own_draft, by=editor_user)
    assert offered(editor_client)
    writer = staff_user("ada-editor", "Editors")
    author.user = writer
    author.save()
    assert not offered(signed_in_client(writer))


def test_an_editor_who_wrote_the_article_cannot_record_its_review(own_draft, author, reviewer):
    """Naming another clinician is not enough: the sign-off is someone else's to record."""
    writer = staff_user("ada-editor", "Editors")
    author.user = writer
    author.save()
    workflow.submit_for_review(own_draft, by=writer)
    with pytest.raises(WorkflowError, match="You wrote this article"):
        workflow.sign_off_review(own_draft, by=writer, reviewer=reviewer)
    assert workflow.current_sign_off(own_draft) is None


def test_a_revision_changed_after_its_sign_off_is_refused_with_a_message(
    editor_client, editor_user, reviewed_article, reviewer
):
    """The sign-off names a revision; any later edit, saved in the admin or not, needs a new one."""
    edit_in_admin(editor_client, reviewed_article, **{"sections-0-body": "Changed dose."})
    response = editor_client.post(
        workflow_url(reviewed_article), {"action": "publish", "note": "x"}
    )
    assertContains(response, "changed after the medical review was signed off", status_code=400)
    assert not PublishedVersion.objects.exists()

    # A change made outside the admin (no revision recorded) is caught by the fingerprint.
    workflow.sign_off_review(reviewed_article, by=editor_user, reviewer=reviewer)
    Section.objects.filter(article=reviewed_article, position=2).update(body="Unreviewed.")
    with pytest.raises(WorkflowError, match="changed after the medical review"):
        workflow.publish(reviewed_article, by=editor_user, note="x")
    assert not PublishedVersion.objects.exists()

    workflow.sign_off_review(reviewed_article, by=editor_user, reviewer=reviewer)
    version = workflow.publish(reviewed_article, by=editor_user, note="Dose updated")
    assert "Changed dose." in version.sections[0]["body_html"]
    assert "Unreviewed." in version.sections[1]["body_html"]


def test_the_author_cannot_review_their_own_article(editor_client, editor_user, own_draft, author):
    workflow.submit_for_review(own_draft, by=editor_user)
    with pytest.raises(WorkflowError, match="someone other than the author"):
        workflow.sign_off_review(own_draft, by=editor_user, reviewer=author)
    # The form does not even offer the author.
    form = sign_off_form(editor_client, own_draft)
    response = editor_client.post(workflow_url(own_draft), {**form, "reviewer": author.pk})
    assert response.status_code == 400
    assert events(own_draft) == ["submitted"]


def test_a_published_version_always_has_a_sign_off_in_the_database(live_article, author):
    """No reviewer, no review date, no revision: the database refuses, whatever the code."""
    versions = PublishedVersion.objects.filter(article=live_article)
    for field in ("reviewed_by", "reviewed_on", "revision", "sign_off"):
        with transaction.atomic(), pytest.raises(IntegrityError):
            versions.update(**{field: None})
    with transaction.atomic(), pytest.raises(IntegrityError):
        versions.update(reviewed_by=author)  # the article's own author
    signed = ArticleEvent.objects.filter(article=live_article, action="signed_off")
    with transaction.atomic(), pytest.raises(IntegrityError):
        signed.update(reviewer=None)
    with transaction.atomic(), pytest.raises(IntegrityError):
        signed.update(revision=None)


def test_editor_signs_off_through_the_admin_naming_the_revision(
    editor_client, editor_user, own_draft, reviewer
):
    workflow.submit_for_review(own_draft, by=editor_user)
    form = sign_off_form(editor_client, own_draft)
    response = editor_client.post(
        workflow_url(own_draft), {**form, "reviewer": reviewer.pk, "reviewed_on": "2026-11-01"}
    )
    assertRedirects(response, change_url(own_draft), fetch_redirect_response=False)
    sign_off = workflow.current_sign_off(own_draft)
    assert sign_off.reviewer == reviewer
    assert sign_off.reviewed_on == date(2026, 11, 1)
    assert sign_off.revision == own_draft.revisions.get(number=1)
    assert sign_off.actor.username == "edna"


def test_editor_unpublishes_and_readers_get_a_404(editor_client, client, live_article):
    assert client.get(live_article.get_absolute_url()).status_code == 200
    response = editor_client.post(workflow_url(live_article), {"action": "unpublish"})
    assertRedirects(response, change_url(live_article), fetch_redirect_response=False)
    assert client.get(live_article.get_absolute_url()).status_code == 404
    assertNotContains(client.get(HOME), live_article.title)
    assert events(live_article)[-1] == "unpublished"
    # The working copy and its history stay.
    assert live_article.revisions.count() == 1
    with pytest.raises(WorkflowError, match="not published"):
        workflow.unpublish(live_article, by=staff_user("ed2", "Editors"))


def test_send_back_returns_the_article_to_its_author_with_a_note(
    editor_client, author_client, reviewed_article, run_tasks
):
    response = editor_client.post(
        workflow_url(reviewed_article),
        {"action": "send_back", "message": "Please cite a source for the dosage."},
    )
    run_tasks()
    assertRedirects(response, change_url(reviewed_article), fetch_redirect_response=False)
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.DRAFT
    # The author reads the note on the article's admin page and on the dashboard, and by email.
    page = author_client.get(change_url(reviewed_article))
    assertContains(page, "Please cite a source for the dosage.")
    assertContains(page, "Sent back by edna")
    assertContains(author_client.get(DASHBOARD), "Please cite a source for the dosage.")
    assert [m.to for m in mail.outbox if "Changes requested" in m.subject] == [["ada@example.org"]]
    # Submitting again clears the note from the page.
    author_client.post(workflow_url(reviewed_article), {"action": "submit"})
    assertNotContains(author_client.get(DASHBOARD), "Please cite a source")


def test_send_back_needs_a_note(editor_client, reviewed_article):
    response = editor_client.post(workflow_url(reviewed_article), {"action": "send_back"})
    assertContains(response, "Say what the author should change", status_code=400)
    reviewed_article.refresh_from_db()
    assert reviewed_article.status == Article.Status.IN_REVIEW


def test_submitting_tells_the_reviewers_by_email_and_on_their_dashboard(
    author_client, own_draft, editor_user, editor_client, run_tasks
):
    staff_user("rev", "Editors", email="rev@example.org")
    author_client.post(workflow_url(own_draft), {"action": "submit"})
    run_tasks()
    submitted = [m for m in mail.outbox if m.subject.startswith("Awaiting your review")]
    assert len(submitted) == 1
    assert sorted(submitted[0].to) == ["edna@example.org", "rev@example.org"]
    assert workflow_url(own_draft) in submitted[0].body
    dashboard = editor_client.get(DASHBOARD)
    assertContains(dashboard, "<h2>Awaiting your review (1)</h2>", html=True)
    assertContains(
        dashboard, f'<a href="{workflow_url(own_draft)}">{own_draft.title}</a>', html=True
    )


def test_publishing_tells_the_author(editor_user, reviewed_article, run_tasks):
    run_tasks()
    mail.outbox.clear()
    workflow.publish(reviewed_article, by=editor_user, note="First version")
    assert mail.outbox == []  # queued with the publication, sent by the worker
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert "is now live" in mail.outbox[0].body
    assert "First version" in mail.outbox[0].body


def test_scheduled_article_appears_at_its_time_without_a_job(
    editor_client, client, reviewed_article, settings
):
    # The editor stays signed in across the two hours travelled.
    settings.ADMIN_IDLE_MINUTES = 24 * 60
    at = timezone.now() + timedelta(hours=2)
    response = editor_client.post(
        workflow_url(reviewed_article),
        {
            "action": "schedule",
            "note": "First version",
            "publish_at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assertRedirects(response, change_url(reviewed_article), fetch_redirect_response=False)
    assert client.get(reviewed_article.get_absolute_url()).status_code == 404
    assertNotContains(client.get(HOME), reviewed_article.title)
    listing = editor_client.get(f"{CHANGELIST}?state=scheduled")
    assertContains(listing, "Scheduled for ")
    assertContains(listing, reviewed_article.title)
    with time_machine.travel(at + timedelta(minutes=1)):
        assert client.get(reviewed_article.get_absolute_url()).status_code == 200
        assertContains(client.get(HOME), reviewed_article.title)
        assertContains(editor_client.get(f"{CHANGELIST}?state=live"), reviewed_article.title)


def test_a_scheduled_revision_replaces_the_live_one_at_its_time(
    editor_client, editor_user, client, live_article, reviewer
):
    edit_in_admin(editor_client, live_article, title="Ada's renewed question?")
    workflow.submit_for_review(live_article, by=editor_user)
    workflow.sign_off_review(live_article, by=editor_user, reviewer=reviewer)
    at = timezone.now() + timedelta(days=1)
    workflow.schedule(live_article, by=editor_user, at=at, note="Renamed")
    page = client.get(live_article.get_absolute_url())
    assertContains(page, '<h1 id="article-title">Ada own draft?</h1>', html=True)
    assertNotContains(page, "renewed question")
    with time_machine.travel(at + timedelta(seconds=1)):
        page = client.get(live_article.get_absolute_url())
        assertContains(page, '<h1 id="article-title">Ada\'s renewed question?</h1>', html=True)
        assertContains(page, "Renamed")
        assert PublishedVersion.objects.live().filter(article=live_article).count() == 1


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
    assert not PublishedVersion.objects.exists()


def test_status_and_event_values_are_checked_by_the_database(own_draft, live_article):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Article.objects.filter(pk=own_draft.pk).update(status="published")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ArticleEvent.objects.filter(article=live_article).update(action="archived")
    with transaction.atomic(), pytest.raises(IntegrityError):
        PublishedVersion.objects.filter(article=live_article).update(change_note="")
    with transaction.atomic(), pytest.raises(IntegrityError):
        PublishedVersion.objects.filter(article=live_article).update(
            live_until=timezone.now() - timedelta(days=400)
        )


def test_preview_banner_names_the_state(editor_client, editor_user, reviewed_article):
    page = editor_client.get(preview_url(reviewed_article))
    assertContains(page, "<strong>Preview: In review</strong>", html=True)
    at = timezone.now() + timedelta(days=3)
    workflow.schedule(reviewed_article, by=editor_user, at=at, note="First version")
    page = editor_client.get(preview_url(reviewed_article))
    when = f"{timezone.localtime(at):%Y-%m-%d %H:%M}"
    assertContains(page, f"<strong>Preview: Scheduled for {when}</strong>", html=True)


def test_readers_see_a_due_for_review_note_once_the_interval_has_passed(
    client, make_article, settings
):
    settings.REVIEW_INTERVAL_MONTHS = 12
    fresh = make_article(title="Fresh?", reviewed_on=timezone.localdate())
    old = make_article(title="Old?", reviewed_on=timezone.localdate() - timedelta(days=400))
    assertNotContains(client.get(fresh.get_absolute_url()), "This page is due for review")
    response = client.get(old.get_absolute_url())
    assertContains(response, "This page is due for review")
    page = response.content.decode()
    assert page.index("This page is due for review") > page.index("Last reviewed")


def test_a_review_dated_in_the_future_is_refused(editor_client, editor_user, own_draft, reviewer):
    """A far-future review date would also leave no next-review date to compute."""
    workflow.submit_for_review(own_draft, by=editor_user)
    form = sign_off_form(editor_client, own_draft)
    response = editor_client.post(
        workflow_url(own_draft), {**form, "reviewer": reviewer.pk, "reviewed_on": "9999-12-31"}
    )
    assertContains(response, "A medical review cannot be dated in the future.", status_code=400)
    assert workflow.current_sign_off(own_draft) is None


@pytest.mark.parametrize("publish_at", ["9999-12-31T23:59:59-12:00", "2099-01-01T09:00"])
def test_scheduling_more_than_ten_years_ahead_is_refused(
    editor_client, reviewed_article, publish_at
):
    response = editor_client.post(
        workflow_url(reviewed_article),
        {"action": "schedule", "note": "Later", "publish_at": publish_at},
    )
    assertContains(response, "within the next ten years", status_code=400)
    assert not PublishedVersion.objects.exists()
    ahead = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = editor_client.post(
        workflow_url(reviewed_article),
        {"action": "schedule", "note": "Later", "publish_at": ahead},
    )
    assert response.status_code == 302
    assert PublishedVersion.objects.count() == 1


def test_a_reviewer_who_is_not_an_editor_opens_articles_in_review_and_signs_them_off(
    editor_user, own_draft, others_draft, other_author_user, other_author_client, reviewer
):
    """The review permission in a custom group: Otto, an author, also reviews others' work."""
    other_author_user.user_permissions.add(
        Permission.objects.get(codename="review_article", content_type__app_label="articles")
    )
    assert other_author_client.get(workflow_url(own_draft)).status_code == 404  # a draft
    workflow.submit_for_review(own_draft, by=editor_user)
    for url in [workflow_url(own_draft), change_url(own_draft), preview_url(own_draft)]:
        assert other_author_client.get(url).status_code == 200, url
    form = sign_off_form(other_author_client, own_draft)
    response = other_author_client.post(
        workflow_url(own_draft), {**form, "reviewer": other_author_user.author_profile.pk}
    )
    assert response.status_code == 302
    sign_off = workflow.current_sign_off(own_draft)
    assert (sign_off.reviewer.name, sign_off.actor) == ("Otto Other", other_author_user)
    # Nor do they record a review in another clinician's name, as an editor may.
    workflow.send_back(own_draft, by=editor_user, note="Again.")
    workflow.submit_for_review(own_draft, by=editor_user)
    form = sign_off_form(other_author_client, own_draft)
    for_someone_else = other_author_client.post(
        workflow_url(own_draft), {**form, "reviewer": reviewer.pk}
    )
    assert for_someone_else.status_code == 400
    with pytest.raises(WorkflowError, match="Record your own review"):
        workflow.sign_off_review(own_draft, by=other_author_user, reviewer=reviewer)
    # Reading is not editing: the article in review stays read-only for them.
    edited = other_author_client.post(change_url(own_draft), article_post_data(own_draft))
    assert edited.status_code == 403
