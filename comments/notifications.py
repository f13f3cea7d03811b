"""Emails about comments, sent after the comment is committed; a failure is logged, not raised."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from symptomdb.emails import absolute, send

from .models import Comment

UNSUBSCRIBE_SALT = "comments.unsubscribe"


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
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def _send(subject, message, recipients, *, comment_id):
    send(subject, message, recipients, about=f"comment {comment_id}")


def notify_moderators(comment_id):
    """Tell the moderators that a comment is waiting for them."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or not comment.is_pending:
        return
    queue = absolute(reverse("admin:comments_comment_changelist") + "?status__exact=pending")
    message = (
        f"{comment.name} commented on “{comment.article.title}”:\n\n{comment.body}\n\n"
        f"Held because: {comment.held_reason or 'new comments wait for a moderator'}\n\n"
        f"Moderation queue: {queue}\n"
    )
    _send(
        f"Comment awaiting moderation: {comment.article.title}",
        message,
        moderator_emails(),
        comment_id=comment.pk,
    )


def notify_published(comment_id):
    """Tell the commenter (if they agreed) that their comment is public, and the commenter they
    answered (if they agreed) that there is a reply."""
    comment = Comment.objects.select_related("article", "parent").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.APPROVED:
        return
    link = absolute(comment.article.get_absolute_url() + f"#{comment.anchor}")
    if comment.notify and comment.email:
        _send(
            f"Your comment on “{comment.article.title}” is published",
            f"Thank you, {comment.name}. Your comment is now public:\n{link}\n\n"
            f"Stop these emails: {unsubscribe_url(comment.email)}\n",
            [comment.email],
            comment_id=comment.pk,
        )
    parent = comment.parent
    if (
        parent is not None
        and parent.notify
        and parent.email
        and parent.email.lower() != comment.email.lower()
    ):
        _send(
            f"New reply to your comment on “{comment.article.title}”",
            f"{comment.name} replied to your comment:\n\n{comment.body}\n\n{link}\n\n"
            f"Stop these emails: {unsubscribe_url(parent.email)}\n",
            [parent.email],
            comment_id=comment.pk,
        )
