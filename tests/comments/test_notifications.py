"""Emails: moderators hear about held comments after commit; commenters who agreed hear about
approval and replies; every such email can be stopped with a signed link."""

import logging

import pytest
from django.test import Client

from comments import moderation, notifications
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_moderators_are_emailed_after_the_comment_is_committed(
    article, post, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(article, body="Please look at this.")
    assert mailoutbox == []
    assert Comment.objects.count() == 1
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [moderator.email]
    assert "Please look at this." in message.body
    assert "/admin/comments/comment/?status__exact=pending" in message.body


def test_no_moderator_email_for_spam(
    article, post, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(article, website="filled")
    assert mailoutbox == []


def test_a_failing_mail_server_never_loses_the_comment(
    article, post, moderator, settings, caplog, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.comments.broken_mail.EmailBackend"}}
    with (
        caplog.at_level(logging.ERROR, logger="comments.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post(article, body="Saved whatever the mail server does.")
    assert response.status_code == 302
    assert Comment.objects.filter(body="Saved whatever the mail server does.").exists()
    assert "Could not send" in caplog.text


def test_an_approved_comment_is_announced_to_a_consenting_commenter(
    article, make_comment, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = make_comment(article, status=Comment.Status.PENDING, notify=True)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(comment, by=moderator)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [comment.email]
    assert "is published" in mailoutbox[0].subject
    assert "/comments/unsubscribe/" in mailoutbox[0].body


def test_without_consent_nobody_is_emailed_on_approval_or_rejection(
    article, make_comment, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    first = make_comment(article, status=Comment.Status.PENDING)
    second = make_comment(article, status=Comment.Status.PENDING, notify=True)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(first, by=moderator)
        moderation.reject(second, by=moderator, reason="off-topic")
    assert mailoutbox == []


def test_a_consenting_commenter_hears_about_an_approved_reply(
    article, make_comment, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    top = make_comment(article, notify=True, email="asker@example.com")
    reply = make_comment(article, parent=top, status=Comment.Status.PENDING, body="An answer.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(reply, by=moderator)
    assert [message.to for message in mailoutbox] == [["asker@example.com"]]
    assert "An answer." in mailoutbox[0].body


def test_the_signed_unsubscribe_link_works_without_signing_in(article, make_comment):
    make_comment(article, email="Stop@Example.com", notify=True)
    make_comment(article, email="stop@example.com", notify=True)
    kept = make_comment(article, email="other@example.com", notify=True)
    url = notifications.unsubscribe_url("stop@example.com").removeprefix(notifications.absolute(""))
    response = Client().get(url)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not Comment.objects.filter(email__iexact="stop@example.com", notify=True).exists()
    kept.refresh_from_db()
    assert kept.notify


def test_an_altered_unsubscribe_link_is_refused(client, article, make_comment):
    make_comment(article, email="stop@example.com", notify=True)
    token = notifications.unsubscribe_token("stop@example.com")
    response = client.get(f"/comments/unsubscribe/{token[:-3]}abc/")
    assert response.status_code == 400
    assert Comment.objects.get().notify


def test_consent_from_the_form_is_stored(article, post):
    post(article, notify="on")
    assert Comment.objects.get().notify
