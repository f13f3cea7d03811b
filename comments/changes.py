"""Changes to a comment after it is posted: its commenter edits or withdraws it, readers report
it, a moderator edits it, dismisses its reports or replies to it from the queue.

Each change has one implementation here that writes the comment's history (an earlier text, a
moderation event); the views, the admin and the commands call these functions.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from symptomdb.limits import LimitReached

from . import notifications, rules
from .models import Comment, CommentReport, CommentRevision, ModerationEvent


class ReportRefused(Exception):
    message = ""
    status = 400


class AlreadyReported(ReportRefused):
    message = "You have already reported this comment. Thank you: a moderator will look at it."
    status = 200


class TooManyReports(ReportRefused, LimitReached):
    message = "You have sent many reports in the last hour. Please try again later."
    retry_after = 3600


def _lock(comment):
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _changed_for_readers(*comments):
    ids = {comment.article_id for comment in comments}
    Article.objects.filter(pk__in=ids).comments_changed()


@transaction.atomic
def edit_comment(comment, body, *, by=None, reason=""):
    """Replace the comment's words, keeping the earlier ones. ``by`` is the moderator (with a
    ``reason``), or None for the commenter. A commenter's edit of a published comment goes
    through the text rules again: one that now needs a look goes back to the queue."""
    locked = _lock(comment)
    if body == locked.body:
        return False
    now = timezone.now()
    CommentRevision.objects.create(
        comment=locked, body=locked.body, edited_by=by, reason=reason, created_at=now
    )
    was_published = locked.status == Comment.Status.APPROVED
    locked.body, locked.edited_at = body, now
    verdict = rules.decide_edit(body) if by is None and was_published else None
    if verdict is not None:
        locked.status, locked.held_by, locked.held_reason = (
            Comment.Status.PENDING,
            verdict.rule,
            f"Edited by its commenter: {verdict.explanation}",
        )
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise ValueError("You have already posted a comment with these words here.") from None
    ModerationEvent.objects.create(
        comment=locked,
        action=ModerationEvent.Action.EDITED,
        actor=by,
        note=reason if by is not None else "Edited by its commenter.",
        created_at=now,
    )
    if was_published:
        _changed_for_readers(locked)
    if verdict is not None:
        notifications.schedule_moderation_digest()
    comment.refresh_from_db()
    return True


@transaction.atomic
def withdraw_comment(comment):
    """Its commenter takes the comment back: the words disappear from the page, the thread
    keeps its place ("Comment withdrawn by its author"), moderators keep the history."""
    locked = _lock(comment)
    if locked.is_withdrawn:
        return False
    now = timezone.now()
    Comment.objects.filter(pk=locked.pk).update(withdrawn_at=now, notify=False)
    ModerationEvent.objects.create(
        comment=locked,
        action=ModerationEvent.Action.WITHDRAWN,
        note="Withdrawn by its commenter.",
        created_at=now,
    )
    if locked.status == Comment.Status.APPROVED:
        _changed_for_readers(locked)
    comment.refresh_from_db()
    return True


@dataclass(frozen=True)
class Reporter:
    """Who reports, as keyed hashes: the reader (account or token), their address and its
    network."""

    key: str
    address_hash: str
    network_hash: str = ""


@transaction.atomic
def report_comment(comment, *, reason, note, reporter):
    """Record one reader's report of a published comment. Enough reports of unsafe medical
    advice (``COMMENTS_HIDE_AFTER_UNSAFE_REPORTS``, from different networks: a reader's token
    is free, so one reader clearing cookies counts once) take it off the page until a
    moderator decides. Raises ``AlreadyReported`` or ``TooManyReports``."""
    locked = _lock(comment)
    hour_ago = timezone.now() - timedelta(hours=1)
    recent = CommentReport.objects.filter(
        address_hash=reporter.address_hash, created_at__gte=hour_ago
    )
    if reporter.address_hash and recent.count() >= settings.COMMENTS_REPORTS_PER_ADDRESS_PER_HOUR:
        raise TooManyReports
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(
                comment=locked,
                reason=reason,
                note=note,
                reporter=reporter.key,
                address_hash=reporter.address_hash,
                network_hash=reporter.network_hash,
            )
    except IntegrityError:
        raise AlreadyReported from None
    unsafe = CommentReport.objects.open().filter(
        comment=locked, reason=CommentReport.Reason.UNSAFE_ADVICE
    )
    networks = unsafe.order_by().values("network_hash").distinct().count()
    if locked.status == Comment.Status.APPROVED and (
        networks >= settings.COMMENTS_HIDE_AFTER_UNSAFE_REPORTS
    ):
        hide_reported(locked)
    notifications.schedule_moderation_digest()
    return report


def hide_reported(comment):
    """Take a reported comment off the page and back to the queue."""
    now = timezone.now()
    Comment.objects.filter(pk=comment.pk).update(
        status=Comment.Status.PENDING,
        held_by="reported-unsafe",
        held_reason="Hidden after several readers reported unsafe medical advice.",
    )
    ModerationEvent.objects.create(
        comment=comment,
        action=ModerationEvent.Action.HIDDEN,
        reason=ModerationEvent.Reason.UNSAFE_ADVICE,
        note="Hidden automatically after reports of unsafe medical advice.",
        created_at=now,
    )
    _changed_for_readers(comment)


@transaction.atomic
def dismiss_reports(comment, *, by, note=""):
    """A moderator keeps the comment as it is: its open reports are closed, in its history.
    A comment hidden by reports is published again."""
    locked = _lock(comment)
    reports = CommentReport.objects.open().filter(comment=locked)
    count = reports.count()
    if not count:
        return False
    now = timezone.now()
    reports.update(resolved_at=now)
    ModerationEvent.objects.create(
        comment=locked,
        action=ModerationEvent.Action.REPORTS_DISMISSED,
        actor=by,
        note=note or f"{count} report(s) dismissed.",
        created_at=now,
    )
    if locked.status == Comment.Status.PENDING and locked.held_by == "reported-unsafe":
        Comment.objects.filter(pk=locked.pk).update(
            status=Comment.Status.APPROVED, decided_at=now, decided_by=by
        )
        _changed_for_readers(locked)
    return True


@transaction.atomic
def reply_as_staff(comment, body, *, by):
    """A moderator or clinician answers ``comment`` from the moderation desk: the reply is
    published at once, under their name, marked as the site's."""
    thread = comment.parent or comment
    profile = getattr(by, "author_profile", None)
    name = profile.display_name if profile is not None else (by.get_full_name() or "Moderator")
    reply = Comment.objects.create(
        article_id=comment.article_id,
        parent=thread,
        user=by,
        name=name[:80],
        email=by.email,
        body=body,
        status=Comment.Status.APPROVED,
        identity=Comment.Identity.ACCOUNT,
        staff_reply=True,
        held_by="staff-reply",
        held_reason="Posted from the moderation desk.",
        decided_at=timezone.now(),
        decided_by=by,
    )
    ModerationEvent.objects.create(
        comment=reply, action=ModerationEvent.Action.APPROVED, actor=by, note="Staff reply."
    )
    _changed_for_readers(reply)
    notifications.notify_published(reply)
    return reply
