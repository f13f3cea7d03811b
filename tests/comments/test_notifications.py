"""Emails: moderators get a digest of held comments; commenters who agreed hear about approval
and replies; every email is queued with its cause and delivered by the worker; every such email
can be stopped with a signed link."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from articles.models import Article, PublishedVersion
from comments import moderation, notifications
from comments.models import Comment
from symptomdb.models import OutgoingEmail
from tests.markers import needs_postgres

pytestmark = pytest.mark.django_db


def to_moderators(outbox, moderator):
    """The emails sent to the moderators (commenters get their confirmation links too)."""
    return [message for message in outbox if message.to == [moderator.email]]


def test_a_held_comment_reaches_the_moderators_in_the_next_digest_not_during_the_post(
    article, post, moderator, mailoutbox, run_tasks, settings
):
    settings.COMMENTS_DIGEST_MINUTES = 10
    post(article, body="Please look at this.")
    assert mailoutbox == []  # the reader's request sends nothing
    run_tasks()
    assert to_moderators(mailoutbox, moderator) == []  # the digest waits for its window
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        run_tasks()
    assert len(to_moderators(mailoutbox, moderator)) == 1
    message = to_moderators(mailoutbox, moderator)[0]
    assert message.to == [moderator.email]
    assert "Please look at this." in message.body
    queue = reverse("admin:comments_comment_changelist")
    assert f"{queue}?status__exact=pending" in message.body


def test_a_burst_of_held_comments_is_one_digest(
    article, post, moderator, mailoutbox, run_tasks, settings
):
    settings.COMMENTS_DIGEST_MINUTES = 10
    for number in range(12):
        post(
            article,
            using=Client(REMOTE_ADDR=f"10.0.0.{number}"),
            email=f"buyer{number}@example.com",
            body=f"Buy now number {number} http://a.example http://b.example http://c.x",
        )
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 12
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        run_tasks()
    digests = to_moderators(mailoutbox, moderator)
    assert len(digests) == 1
    assert "12 new comment(s) are waiting" in digests[0].body
    # Nothing new: the next window sends nothing.
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        post(article, body="One more, later.", email="late@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=45)):
        run_tasks()
    digests = to_moderators(mailoutbox, moderator)
    assert len(digests) == 2
    assert "1 new comment(s)" in digests[1].body
    assert "One more, later." in digests[1].body


def flood(article, count):
    """``count`` held comments not announced yet, stored at once."""
    Comment.objects.bulk_create(
        Comment(
            article=article,
            status=Comment.Status.PENDING,
            name=f"Flooder {number}",
            email=f"flood{number}@example.com",
            body=f"Flood number {number}.",
        )
        for number in range(count)
    )


def digest(moderator, mailoutbox, run_tasks):
    """Run a digest now; the moderators' emails so far."""
    notifications.send_moderation_digest.enqueue()
    run_tasks()
    return to_moderators(mailoutbox, moderator)


def test_a_flood_of_held_comments_is_one_short_digest(article, moderator, mailoutbox, run_tasks):
    listed = notifications.DIGEST_LISTED
    flood(article, listed + 10)
    [message] = digest(moderator, mailoutbox, run_tasks)
    assert f"{listed + 10} new comment(s) are waiting" in message.body
    assert message.body.count("Held because:") == listed
    assert "Flood number 0." in message.body
    assert f"Flood number {listed}." not in message.body
    assert "… and 10 more, newer." in message.body
    assert not Comment.objects.filter(announced_at__isnull=True).exists()
    assert len(digest(moderator, mailoutbox, run_tasks)) == 1  # nothing new to tell


@pytest.mark.slow
@needs_postgres("PostgreSQL carries at most 65,535 parameters in a query")
def test_a_digest_of_more_held_comments_than_a_query_has_parameters(
    article, moderator, mailoutbox, run_tasks
):
    flood(article, 70_000)
    [message] = digest(moderator, mailoutbox, run_tasks)
    assert "70000 new comment(s) are waiting" in message.body
    assert not Comment.objects.filter(announced_at__isnull=True).exists()


def test_no_moderator_email_for_spam(article, post, moderator, mailoutbox, run_tasks, settings):
    settings.COMMENTS_DIGEST_MINUTES = 0
    post(article, website="filled")
    run_tasks()
    assert mailoutbox == []


def test_an_email_is_queued_with_its_cause_and_not_when_the_cause_rolls_back(
    article, make_comment, moderator
):
    comment = make_comment(article, status=Comment.Status.PENDING, notify=True)

    def approve_then_fail():
        with transaction.atomic():
            moderation.approve(comment, by=moderator)
            assert OutgoingEmail.objects.filter(key=f"comment-published:{comment.pk}").exists()
            raise RuntimeError("the request failed after the approval")

    with pytest.raises(RuntimeError, match="failed after the approval"):
        approve_then_fail()
    assert not OutgoingEmail.objects.exists()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING

    moderation.approve(comment, by=moderator)
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.PENDING


def test_a_failing_mail_server_never_loses_the_comment_or_the_email(
    article, post, moderator, settings, run_tasks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.comments.broken_mail.EmailBackend"}}
    settings.COMMENTS_DIGEST_MINUTES = 0
    response = post(article, body="Saved whatever the mail server does.")
    assertRedirects(
        response, f"{article.get_absolute_url()}#comments", fetch_redirect_response=False
    )
    assert Comment.objects.filter(body="Saved whatever the mail server does.").exists()
    run_tasks()
    email = OutgoingEmail.objects.get(recipients=[moderator.email])
    assert email.status == OutgoingEmail.Status.PENDING  # waiting for its next attempt
    assert email.attempts == 1
    assert "The mail server is down." in email.last_error


def test_an_approved_comment_is_announced_to_a_consenting_commenter(
    article, make_comment, moderator, mailoutbox, run_tasks
):
    comment = make_comment(article, status=Comment.Status.PENDING, notify=True)
    moderation.approve(comment, by=moderator)
    run_tasks()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [comment.email]
    assert "is published" in mailoutbox[0].subject
    assert "/comments/unsubscribe/" in mailoutbox[0].body


def test_the_emails_name_the_published_page_not_the_draft_being_written(
    article, make_comment, moderator, mailoutbox, run_tasks
):
    """The working copy's new title and slug wait for a medical review; readers' emails
    quote the page as readers see it."""
    live = PublishedVersion.objects.live().get(article=article)
    Article.objects.filter(pk=article.pk).update(title="Unreviewed title?", slug="unreviewed")
    top = make_comment(article, notify=True, email="asker@example.com")
    reply = make_comment(
        article, parent=top, status=Comment.Status.PENDING, notify=True, email="r@example.com"
    )
    moderation.approve(reply, by=moderator)
    run_tasks()
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert live.title in message.subject
        assert f"{live.get_absolute_url()}#{reply.anchor}" in message.body
        assert "nreviewed" not in message.subject + message.body


def test_without_consent_nobody_is_emailed_on_approval_or_rejection(
    article, make_comment, moderator, mailoutbox, run_tasks
):
    first = make_comment(article, status=Comment.Status.PENDING)
    second = make_comment(article, status=Comment.Status.PENDING, notify=True)
    moderation.approve(first, by=moderator)
    moderation.reject(second, by=moderator, reason="off-topic")
    run_tasks()
    assert mailoutbox == []


def test_a_consenting_commenter_hears_about_an_approved_reply(
    article, make_comment, moderator, mailoutbox, run_tasks
):
    top = make_comment(article, notify=True, email="asker@example.com")
    reply = make_comment(article, parent=top, status=Comment.Status.PENDING, body="An answer.")
    moderation.approve(reply, by=moderator)
    run_tasks()
    assert [message.to for message in mailoutbox] == [["asker@example.com"]]
    assert "An answer." in mailoutbox[0].body


def test_the_signed_unsubscribe_link_works_without_signing_in(article, make_comment):
    make_comment(article, email="Stop@Example.com", notify=True)
    make_comment(article, email="stop@example.com", notify=True)
    kept = make_comment(article, email="other@example.com", notify=True)
    url = notifications.unsubscribe_url("stop@example.com").removeprefix(notifications.absolute(""))
    response = Client().get(url)
    assertContains(response, "You are unsubscribed")
    assert not Comment.objects.filter(email__iexact="stop@example.com", notify=True).exists()
    kept.refresh_from_db()
    assert kept.notify


def test_an_altered_unsubscribe_link_is_refused(client, article, make_comment):
    make_comment(article, email="stop@example.com", notify=True)
    token = notifications.unsubscribe_token("stop@example.com")
    response = client.get(reverse("comments:unsubscribe", args=[f"{token[:-3]}abc"]))
    assert response.status_code == 400
    assert Comment.objects.get().notify


def test_consent_from_the_form_is_stored(article, post):
    post(article, notify="on")
    assert Comment.objects.get().notify
