"""What we keep about commenters: export it, erase it, and prune it after the retention period."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from symptomdb.models import OutgoingEmail

from .models import Comment, CommentRevision, ModerationEvent
from .notifications import DIGEST_EMAIL_KEY, REPLY_EMAIL_KEY, digest_line_start, digest_without

FORMER_READER = "Former reader"


def export_commenter(email):
    """Everything stored about the commenter with ``email``, as JSON-ready data."""
    comments = (
        Comment.objects.by_email(email)
        .select_related("article")
        .prefetch_related("events", "revisions")
    )
    return {
        "email": email,
        "comments": [
            {
                "id": comment.pk,
                "article": comment.article.get_absolute_url(),
                "reply_to": comment.parent_id,
                "name": comment.name,
                "email": comment.email,
                "comment": comment.body,
                "status": comment.status,
                "rule": comment.held_by,
                "rule_explanation": comment.held_reason,
                "address_hash": comment.address_hash,
                "email_notifications": comment.notify,
                "signed_in_user_id": comment.user_id,
                "created_at": comment.created_at.isoformat(),
                "decided_at": comment.decided_at.isoformat() if comment.decided_at else None,
                "earlier_texts": [
                    {
                        "comment": revision.body,
                        "reason": revision.reason,
                        "at": revision.created_at.isoformat(),
                    }
                    for revision in comment.revisions.all()
                ],
                "moderation_history": [
                    {
                        "action": event.action,
                        "reason": event.reason,
                        "note": event.note,
                        "at": event.created_at.isoformat(),
                    }
                    for event in comment.events.all()
                ],
            }
            for comment in comments
        ],
    }


@transaction.atomic
def erase_commenter(email):
    """Anonymise the commenter's comments (they stay, so reply threads stay whole), and delete
    the emails to them and those quoting them to others, queued or sent: they hold the
    address, the name and the words."""
    comments = Comment.objects.by_email(email)
    Article.objects.filter(pk__in=comments.values("article")).comments_changed()
    OutgoingEmail.objects.to_address(email).delete()
    quoting = [f"{REPLY_EMAIL_KEY}{pk}" for pk in comments.values_list("pk", flat=True)]
    OutgoingEmail.objects.filter(key__in=quoting).delete()
    # The moderators' digests quoted them by name, with their words; the other commenters a
    # digest quotes stay in it (one still to be sent must tell the moderators about them).
    for name in set(comments.values_list("name", flat=True)):
        quoting = OutgoingEmail.objects.filter(
            key__startswith=DIGEST_EMAIL_KEY, body__contains=digest_line_start(name)
        )
        for digest in quoting:
            digest.body = digest_without(digest.body, name)
            digest.save(update_fields=["body"])
    # Their earlier words, before an edit (a moderator may have taken personal data out).
    CommentRevision.objects.filter(comment__in=comments).delete()
    return comments.update(name=FORMER_READER, email="", address_hash="", user=None, notify=False)


@transaction.atomic
def prune_moderation_data(now=None):
    """Delete rejected and spam comments, and clear moderation notes, comments' earlier texts and
    address hashes, older than ``COMMENTS_MODERATION_RETENTION_DAYS``. Returns what was removed, by
    kind."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.COMMENTS_MODERATION_RETENTION_DAYS)
    refused = Comment.objects.filter(
        status__in=[Comment.Status.REJECTED, Comment.Status.SPAM], created_at__lt=cutoff
    ).filter(Q(decided_at__isnull=True) | Q(decided_at__lt=cutoff))
    deleted, _ = refused.delete()
    notes = ModerationEvent.objects.filter(created_at__lt=cutoff).exclude(note="")
    notes_cleared = notes.update(note="")
    hashes_cleared = (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(address_hash="")
        .update(address_hash="")
    )
    # The words go; who edited and why stay, as the moderation notes' decisions do.
    earlier = CommentRevision.objects.filter(created_at__lt=cutoff).exclude(body="").update(body="")
    return {
        "comments": deleted,
        "notes": notes_cleared,
        "earlier_texts": earlier,
        "address_hashes": hashes_cleared,
    }
