"""Commenters' data: export, erase, pruning after the retention period, and what public pages
read of it."""

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authors.models import Author
from comments import moderation
from comments.changes import edit_comment
from comments.models import Comment, CommentRevision, ModerationEvent
from comments.notifications import send_moderation_digest
from symptomdb.models import OutgoingEmail
from tests.factories import signed_in_client, staff_user

pytestmark = pytest.mark.django_db


def test_export_prints_everything_stored_about_a_commenter_as_json(
    article, make_comment, moderator, capsys
):
    mine = make_comment(
        article,
        email="me@example.com",
        body="My words.",
        address_hash="ab" * 32,
        notify=True,
        status=Comment.Status.PENDING,
    )
    moderation.approve(mine, by=moderator, note="Fine.")
    make_comment(article, email="someone@example.com", body="Not mine.")
    call_command("commenter_data", "export", "ME@example.com")
    data = json.loads(capsys.readouterr().out)
    assert [comment["comment"] for comment in data["comments"]] == ["My words."]
    exported = data["comments"][0]
    assert exported["address_hash"] == "ab" * 32
    assert exported["email_notifications"] is True
    assert exported["moderation_history"][0]["action"] == "approved"
    assert exported["article"] == article.get_absolute_url()


def test_erase_anonymises_comments_without_breaking_reply_threads(
    client, article, make_comment, capsys
):
    top = make_comment(article, name="Erase Me", email="gone@example.com", address_hash="x" * 64)
    reply = make_comment(article, parent=top, name="Answerer", body="Reply stays.")
    own_reply = make_comment(article, parent=top, name="Erase Me", email="GONE@example.com")
    call_command("commenter_data", "erase", "gone@example.com")
    assert "Anonymised 2 comment(s)" in capsys.readouterr().out
    for comment in (top, own_reply):
        comment.refresh_from_db()
        assert (comment.name, comment.email, comment.address_hash) == ("Former reader", "", "")
    reply.refresh_from_db()
    assert reply.parent == top
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Erase Me" not in page
    assert "Former reader" in page
    assert "Reply stays." in page


def test_erase_deletes_the_emails_to_the_commenter_queued_or_sent(article, make_comment):
    make_comment(article, name="Erase Me", email="gone@example.com")
    to_erase = [
        OutgoingEmail.objects.create(
            key=f"k{n}", recipients=[address], subject="Your comment", body="Hello Erase Me"
        )
        for n, address in enumerate(["gone@example.com", "GONE@example.com "])
    ]
    kept = [
        OutgoingEmail.objects.create(
            key=f"other{n}", recipients=[address], subject="Hi", body="Hello"
        )
        for n, address in enumerate(["notgone@example.com", "gone@example.com.au"])
    ]

    quoting = make_comment(article, name="Erase Me", email="gone@example.com", body="Mine.")
    to_erase.append(
        OutgoingEmail.objects.create(
            key=f"comment-reply:{quoting.pk}",
            recipients=["asker@example.com"],
            subject="New reply",
            body="Erase Me replied: Mine.",
        )
    )

    call_command("commenter_data", "erase", "Gone@example.com")

    assert not OutgoingEmail.objects.filter(pk__in=[e.pk for e in to_erase]).exists()
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {e.pk for e in kept}


def test_erase_deletes_their_earlier_words_and_the_digests_quoting_them(
    article, make_comment, moderator, capsys
):
    """A moderator took a phone number out of the comment; the earlier text, and the digest
    that quoted the comment to moderators, held it still."""
    held = make_comment(
        article, name="Chris", email="chris@example.com", status=Comment.Status.PENDING,
        body="Call me on 07700 900123.",
    )  # fmt: skip
    make_comment(article, name="Dana", email="dana@example.com", status=Comment.Status.PENDING)
    send_moderation_digest.call()
    digest = OutgoingEmail.objects.get(key__startswith="moderation-digest:")
    assert "07700 900123" in digest.body
    edit_comment(held, "Call me.", by=moderator, reason="Personal data")
    call_command("commenter_data", "export", "chris@example.com")
    exported = json.loads(capsys.readouterr().out)["comments"][0]
    assert exported["earlier_texts"][0]["comment"] == "Call me on 07700 900123."

    call_command("commenter_data", "erase", "chris@example.com")

    assert not CommentRevision.objects.exists()
    digest.refresh_from_db()
    assert "Chris" not in digest.body
    assert "07700" not in digest.body
    assert "• Dana on" in digest.body  # the moderators still hear about the others


def test_only_who_may_see_commenters_data_reads_the_outgoing_emails(
    article, moderator, editor_user, django_user_model
):
    email = OutgoingEmail.objects.create(
        key="confirm-email:priya@example.com:2026-11-30",
        recipients=["priya@example.com"],
        subject="Your comment",
        body="Hello Priya",
    )
    change = reverse("admin:symptomdb_outgoingemail_change", args=[email.pk])
    changelist = reverse("admin:symptomdb_outgoingemail_changelist")
    editor = signed_in_client(editor_user)
    for url in (changelist, change):
        page = editor.get(url)
        assert page.status_code == 200
        assert "priya@example.com" not in page.text
        assert "Hello Priya" not in page.text
    # Nor can a search by address tell that someone was written to.
    assert editor.get(changelist, {"q": "priya"}).context["cl"].result_count == 0
    both = staff_user("edmo", "Editors")
    both.groups.add(*moderator.groups.all())
    page = signed_in_client(both).get(change).text
    assert "priya@example.com" in page
    assert "Hello Priya" in page


def test_an_article_page_never_reads_commenters_emails_addresses_or_password_hashes(
    client, article, make_comment, django_user_model, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page rendered in full
    clinician = django_user_model.objects.create_user("clinician", password="A long passphrase")
    Author.objects.create(name="Clinician", slug="clinician", user=clinician)
    top = make_comment(article, email="top@example.com", address_hash="cd" * 32)
    make_comment(article, parent=top, user=clinician, body="An answer.", held_reason="Checked.")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(article.get_absolute_url()).content.decode()
    assert "An answer." in page
    assert 'comment-badge">Clinician</span>' in page
    read = " ".join(query["sql"] for query in queries.captured_queries)
    for column in ("email", "address_hash", "held_reason", "body_hash"):
        assert f'"comments_comment"."{column}"' not in read
    assert '"auth_user"."password"' not in read
    assert '"auth_user"."email"' not in read


def test_commenter_data_refuses_something_that_is_not_an_email():
    with pytest.raises(CommandError, match="Not an email address"):
        call_command("commenter_data", "export", "nobody")


def test_prune_removes_old_refused_comments_notes_and_address_hashes(
    article, make_comment, moderator, settings, capsys
):
    settings.COMMENTS_MODERATION_RETENTION_DAYS = 30
    long_ago = timezone.now() - timedelta(days=40)
    old_spam = make_comment(
        article, status=Comment.Status.PENDING, created_at=long_ago, address_hash="a" * 64
    )
    moderation.mark_spam(old_spam, by=moderator, note="Casino.")
    Comment.objects.filter(pk=old_spam.pk).update(decided_at=long_ago)
    old_approved = make_comment(article, created_at=long_ago, address_hash="b" * 64)
    moderation_note = ModerationEvent.objects.create(
        comment=old_approved, action="approved", note="Kept, note pruned.", created_at=long_ago
    )
    recent_rejected = make_comment(article, status=Comment.Status.REJECTED, address_hash="c" * 64)
    old_text = CommentRevision.objects.create(
        comment=old_approved, body="Call me on 0123.", created_at=long_ago
    )
    recent_text = CommentRevision.objects.create(comment=recent_rejected, body="Earlier.")

    call_command("prune_moderation_data")
    assert "older than 30 days" in capsys.readouterr().out
    assert not Comment.objects.filter(pk=old_spam.pk).exists()
    old_approved.refresh_from_db()
    assert old_approved.address_hash == ""
    moderation_note.refresh_from_db()
    assert moderation_note.note == ""
    recent_rejected.refresh_from_db()
    assert recent_rejected.address_hash == "c" * 64
    old_text.refresh_from_db()
    recent_text.refresh_from_db()
    assert (old_text.body, recent_text.body) == ("", "Earlier.")


def test_demo_comments_are_loaded_once_with_threads_and_pending_ones(client):
    call_command("load_demo_content")
    first = list(Comment.objects.values_list("pk", "status", "parent_id"))
    call_command("load_demo_content")
    assert list(Comment.objects.values_list("pk", "status", "parent_id")) == first
    assert Comment.objects.approved().filter(parent__isnull=False).exists()
    assert Comment.objects.awaiting_moderation().count() >= 2


def test_the_demo_moderator_joins_the_moderators_group():
    from django.contrib.auth import get_user_model

    call_command("create_demo_accounts")
    moderator = get_user_model().objects.get(username="moderator")
    assert moderator.groups.filter(name="Moderators").exists()
    assert moderator.has_perm("comments.moderate_comment")
    assert not moderator.has_perm("articles.change_article")
