"""The editorial workflow: draft → in review → published, and back to draft.

Each transition is one function, the only place that makes it. Each checks who may make it,
saves the article with a history record naming the user and the reason, and publishing adds a
line to the article's public change log. The admin and any command call these functions.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Article, ChangeLogEntry, is_editor

Status = Article.Status


class WorkflowError(ValidationError):
    """A transition that the article's state does not allow; the message says why."""


def can_edit(user, article):
    """Editors edit every article; an author edits their own drafts only."""
    if is_editor(user):
        return True
    return (
        user.is_active
        and user.has_perm("articles.change_article")
        and article.author.user_id == user.pk
        and article.status == Status.DRAFT
    )


def can_submit(user, article):
    return article.status == Status.DRAFT and (
        is_editor(user)
        or (user.has_perm("articles.change_article") and article.author.user_id == user.pk)
    )


def can_review(user):
    return user.is_active and user.has_perm("articles.review_article")


def _save(article, user, reason):
    article._history_user = user
    article._change_reason = reason
    article.save()


@transaction.atomic
def submit_for_review(article, *, by):
    """An author (of their own draft) or an editor hands a draft to review."""
    if not can_submit(by, article):
        if article.status != Status.DRAFT:
            raise WorkflowError("Only a draft can be submitted for review.")
        raise PermissionDenied("You may submit only your own drafts.")
    article.status = Status.IN_REVIEW
    _save(article, by, "Submitted for review")
    return article


@transaction.atomic
def sign_off_review(article, *, by, reviewer=None, reviewed_on=None):
    """Record that ``reviewer`` (another Author than the article's) checked this version."""
    if not can_review(by):
        raise PermissionDenied("You may not record medical reviews.")
    reviewer = reviewer or getattr(by, "author_profile", None)
    if reviewer is None:
        raise WorkflowError("Choose the clinician who reviewed the article.")
    if reviewer.pk == article.author_id:
        raise WorkflowError("The medical reviewer must be someone other than the author.")
    article.reviewed_by = reviewer
    article.last_reviewed = reviewed_on or timezone.localdate()
    article.reviewed_fingerprint = article.content_fingerprint()
    _save(article, by, f"Medical review signed off by {reviewer.display_name}")
    return article


def _check_publishable(article, by):
    if not is_editor(by):
        raise PermissionDenied("Only editors publish articles.")
    if article.status == Status.DRAFT:
        raise WorkflowError("Submit the draft for review before publishing it.")
    if not article.review_is_current:
        raise WorkflowError(
            "A medical reviewer must sign off the current version before it is published."
        )


def _log_change(article, by, note, day):
    if not note or not note.strip():
        raise WorkflowError('Write a one-line note for "What changed".')
    ChangeLogEntry.objects.create(article=article, date=day, note=note.strip(), created_by=by)


@transaction.atomic
def publish(article, *, by, note):
    """Publish the reviewed version now, with a line for the public change log."""
    _check_publishable(article, by)
    now = timezone.now()
    first_time = article.status != Status.PUBLISHED or article.published_at is None
    if first_time or article.published_at > now:
        article.published_at = now
    article.status = Status.PUBLISHED
    _save(article, by, f"Published: {note}")
    _log_change(article, by, note, timezone.localdate())
    return article


@transaction.atomic
def schedule(article, *, by, at, note):
    """Publish the reviewed version at a future time ``at``; readers see it from then on."""
    _check_publishable(article, by)
    if at is None or at <= timezone.now():
        raise WorkflowError("The scheduled time must be in the future.")
    article.status = Status.PUBLISHED
    article.published_at = at
    _save(article, by, f"Scheduled for {at:%Y-%m-%d %H:%M}: {note}")
    _log_change(article, by, note, timezone.localdate(at))
    return article


@transaction.atomic
def unpublish(article, *, by):
    """Take an article (published or in review) back to draft; readers no longer see it."""
    if not is_editor(by):
        raise PermissionDenied("Only editors unpublish articles.")
    if article.status == Status.DRAFT:
        raise WorkflowError("The article is already a draft.")
    article.status = Status.DRAFT
    _save(article, by, "Back to draft")
    return article
