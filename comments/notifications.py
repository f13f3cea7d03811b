"""Emails about comments, queued in the same transaction as the comment or the decision that
causes them (``symptomdb.background.queue_email``), and delivered by the background worker.

Moderators get one digest per ``COMMENTS_DIGEST_MINUTES`` window listing the comments that
arrived in it, however many: a burst of spam is one email. Commenters who asked for it are told
when their comment is published and when someone answers it.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from articles.models import PublishedVersion
from symptomdb.background import absolute, enqueue_once, queue_email

from .models import Comment

UNSUBSCRIBE_SALT = "comments.unsubscribe"
DIGEST_LISTED = 50  # held comments a moderation digest quotes; it counts the rest


def unsubscribe_token(email):
    return signing.dumps(email.strip().lower(), salt=UNSUBSCRIBE_SALT, compress=True)


def email_from_unsubscribe_token(token):
    """The email the token was made for, or None when it was altered."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def unsubscribe_url(email):
    return absolute(reverse("comments:unsubscribe", kwargs={"token": unsubscribe_token(email)}))


def moderator_emails():
    users = get_user_model().objects.filter(
        is_active=True, groups__name=settings.COMMENTS_MODERATORS_GROUP
    )
    return list(users.exclude(email="").values_list("email", flat=True))


def schedule_moderation_digest(now=None):
    """Make sure a digest goes out at the end of the current window (one task per window)."""
    minutes = settings.COMMENTS_DIGEST_MINUTES
    now = now or timezone.now()
    if minutes <= 0:
        enqueue_once(send_moderation_digest, f"moderation-digest:{now.isoformat()}")
        return
    window = timedelta(minutes=minutes)
    start = now - (now - now.replace(minute=0, second=0, microsecond=0)) % window
    enqueue_once(
        send_moderation_digest, f"moderation-digest:{start.isoformat()}", run_after=start + window
    )


# A digest's key, and the start of its line quoting a comment by its commenter's name.
DIGEST_EMAIL_KEY = "moderation-digest:"


HELD_BECAUSE = "  Held because: "


def digest_line_start(name):
    return f"• {name} on "


def digest_without(body, name):
    """A digest's ``body`` without the comments it quotes by ``name`` (each a line and the
    reason it was held): the rest still tells the moderators about the others."""
    kept, skipping = [], False
    for line in body.split("\n"):
        if line.startswith(digest_line_start(name)):
            skipping = True
            continue
        if skipping and line.startswith(HELD_BECAUSE):
            continue
        skipping = False
        kept.append(line)
    return "\n".join(kept)


@task()
def send_moderation_digest():
    """Tell the moderators about every held comment they have not been told about yet: the
    oldest ``DIGEST_LISTED`` in full, the rest counted (a flood makes one short email)."""
    with transaction.atomic():
        unannounced = Comment.objects.awaiting_moderation().filter(announced_at__isnull=True)
        # Locked, so that two digests running at once announce each comment once.
        ids = list(
            unannounced.select_for_update(of=("self",))
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        listed = list(
            Comment.objects.filter(pk__in=ids[:DIGEST_LISTED])
            .select_related("article")
            .order_by("created_at", "pk")
        )
        queue = absolute(reverse("admin:comments_comment_changelist") + "?status__exact=pending")
        total = Comment.objects.awaiting_moderation().count()
        lines = [
            f"{len(ids)} new comment(s) are waiting for moderation ({total} in the queue).",
            "",
        ]
        for comment in listed:
            lines += [
                f"{digest_line_start(comment.name)}“{comment.article.title}”: {comment.excerpt}",
                f"{HELD_BECAUSE}{comment.held_reason or 'new comments wait for a moderator'}",
            ]
        if len(ids) > len(listed):
            lines.append(f"… and {len(ids) - len(listed)} more, newer.")
        lines += ["", f"Moderation queue: {queue}"]
        queue_email(
            f"{DIGEST_EMAIL_KEY}{max(ids)}",
            f"{len(ids)} comment(s) awaiting moderation",
            "\n".join(lines) + "\n",
            moderator_emails(),
        )
        # Up to the newest announced rather than by ids: a flood may hold more comments than
        # one query may carry parameters (65,535 on PostgreSQL).
        unannounced.filter(pk__lte=max(ids)).update(announced_at=timezone.now())
    return len(ids)


# The email quoting a reply to the commenter it answers, by the reply's id.
REPLY_EMAIL_KEY = "comment-reply:"


def notify_published(comment):
    """Tell the commenter (if they agreed) that their comment is public, and the commenter they
    answered (if they agreed) that there is a reply: on the page readers see, by its published
    title and address (the working copy's may be a draft's)."""
    page = PublishedVersion.objects.live().filter(article=comment.article_id).first()
    if page is None:
        return  # not online: nobody reads the comment until the article is again
    link = absolute(f"{page.get_absolute_url()}#{comment.anchor}")
    if comment.notify and comment.email:
        queue_email(
            f"comment-published:{comment.pk}",
            f"Your comment on “{page.title}” is published",
            f"Thank you, {comment.name}. Your comment is now public:\n{link}\n\n"
            f"Stop these emails: {unsubscribe_url(comment.email)}\n",
            [comment.email],
        )
    parent = comment.parent
    if (
        parent is not None
        and parent.notify
        and parent.email
        and parent.email.lower() != comment.email.lower()
    ):
        queue_email(
            f"{REPLY_EMAIL_KEY}{comment.pk}",
            f"New reply to your comment on “{page.title}”",
            f"{comment.name} replied to your comment:\n\n{comment.body}\n\n{link}\n\n"
            f"Stop these emails: {unsubscribe_url(parent.email)}\n",
            [parent.email],
        )
