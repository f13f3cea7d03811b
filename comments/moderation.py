"""Moderation decisions. Each state change has one implementation here, which also writes the
comment's history row; the admin actions and the commands call these functions."""

from django.db import transaction
from django.utils import timezone

from articles.models import Article

from . import notifications
from .models import Comment, CommentReport, ModerationEvent


def _decide(comment, status, action, *, by, reason="", note=""):
    """Move ``comment`` to ``status``, recording who, when and why; False if it already was."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status == status:
            return False
        now = timezone.now()
        Comment.objects.filter(pk=comment.pk).update(status=status, decided_at=now, decided_by=by)
        # A decision answers the comment's open reports too.
        reports = CommentReport.objects.open().filter(comment=locked).update(resolved_at=now)
        if reports:
            note = f"{note} ({reports} report(s) closed.)".strip()
        ModerationEvent.objects.create(
            comment=locked, action=action, actor=by, reason=reason, note=note, created_at=now
        )
        if Comment.Status.APPROVED in {status, locked.status}:
            # What readers see changed (it appeared or went away).
            Article.objects.filter(pk=locked.article_id).comments_changed()
        if status == Comment.Status.APPROVED:
            notifications.notify_published(locked)
    comment.status, comment.decided_at, comment.decided_by = status, now, by
    return True


def approve(comment, *, by=None, note=""):
    """Publish the comment."""
    return _decide(
        comment, Comment.Status.APPROVED, ModerationEvent.Action.APPROVED, by=by, note=note
    )


def reject(comment, *, by=None, reason="", note=""):
    """Hide the comment for good; rejections are never announced publicly."""
    return _decide(
        comment,
        Comment.Status.REJECTED,
        ModerationEvent.Action.REJECTED,
        by=by,
        reason=reason,
        note=note,
    )


def mark_spam(comment, *, by=None, reason=ModerationEvent.Reason.ADVERTISING, note=""):
    """File the comment as spam."""
    return _decide(
        comment, Comment.Status.SPAM, ModerationEvent.Action.SPAM, by=by, reason=reason, note=note
    )
