"""The editorial workflow, and the only code that changes what readers see.

The working copy (``Article``) goes draft → in review → (signed off) → published, and back to
draft for the next change. Each transition is one function here, used by the admin, the
commands and the demo loader alike. Each checks who may make it, locks the article row,
records the working copy as a revision where the content matters, and writes its
``ArticleEvent``. ``publish`` and ``schedule`` are the only writers of ``PublishedVersion`` and,
with ``unpublish``, the only code that ends one: saving an article, importing a file or restoring
a revision changes the working copy and nothing readers see.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from authors.models import Author
from symptomdb.roles import is_editor, may_edit_article, may_review, may_sign_off, may_submit

from . import notifications
from .models import (
    Article,
    ArticleEvent,
    Category,
    PublishedVersion,
    Reference,
    Section,
    fingerprint,
)
from .related import refresh_related_articles
from .revisions import current_content, latest_revision, record_revision
from .versions import render_version, save_version

Status = Article.Status
Action = ArticleEvent.Action
# Further ahead is a typo; far enough ahead, a date the database cannot store.
MAX_SCHEDULE_AHEAD = timedelta(days=3653)


class WorkflowError(ValidationError):
    """A transition that the article's state does not allow; the message says why."""


def _lock(article):
    """Lock the article's row for the transaction and refresh its status."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    article.status = locked.status
    return locked


def _set_status(article, status):
    article.status = status
    Article.objects.filter(pk=article.pk).update(status=status, updated_at=timezone.now())


def _event(article, action, *, by, revision=None, note="", **fields):
    return ArticleEvent.objects.create(
        article=article,
        action=action,
        actor=by if by is not None and by.is_authenticated else None,
        revision=revision,
        note=note,
        **fields,
    )


@transaction.atomic
def submit_for_review(article, *, by):
    """An author (of their own draft) or an editor hands the working copy to the reviewers."""
    _lock(article)
    if not may_submit(by, article):
        if article.status != Status.DRAFT:
            raise WorkflowError("Only a draft can be submitted for review.")
        raise PermissionDenied("You may submit only your own drafts.")
    revision = record_revision(article, by=by)
    _set_status(article, Status.IN_REVIEW)
    notifications.notify_submitted(_event(article, Action.SUBMITTED, by=by, revision=revision))
    return article


@transaction.atomic
def send_back(article, *, by, note):
    """A reviewer or editor returns an article in review to its author, saying what to change."""
    if not (may_review(by) or is_editor(by)):
        raise PermissionDenied("Only reviewers and editors send articles back.")
    _lock(article)
    if article.status != Status.IN_REVIEW:
        raise WorkflowError("Only an article in review can be sent back.")
    note = (note or "").strip()
    if not note:
        raise WorkflowError("Say what the author should change.")
    _set_status(article, Status.DRAFT)
    event = _event(article, Action.SENT_BACK, by=by, revision=latest_revision(article), note=note)
    notifications.notify_sent_back(event)
    return event


def has_unpublished_changes(article):
    """Whether the working copy's latest revision is not what readers see (or will see)."""
    latest = latest_revision(article)
    if latest is None:
        return False
    now = timezone.now()
    versions = PublishedVersion.objects.filter(article=article)
    shown = (versions.scheduled(now) | versions.live(now)).order_by("-number").first()
    return shown is None or shown.revision_id != latest.pk


def current_sign_off(article):
    """The latest sign-off of the article, with its revision and reviewer, or None."""
    return (
        ArticleEvent.objects.filter(article=article, action=Action.SIGNED_OFF)
        .select_related("revision", "reviewer")
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def sign_off_review(article, *, by, reviewer=None, reviewed_on=None, seen=None):
    """Record that ``reviewer`` (another clinician than the author) checked the current text.

    The sign-off names the exact revision reviewed: the working copy as it is now, which must
    be in review, and, when ``seen`` is given (the ``fingerprint`` of the text the reviewer was
    shown; the admin always gives it, empty if its page did not), exactly that text. Whoever
    records it must not be the article's author.
    """
    if not may_review(by):
        raise PermissionDenied("You may not record medical reviews.")
    locked = _lock(article)
    locked.author = Author.objects.get(pk=locked.author_id)
    if not may_sign_off(by, locked):
        if locked.status != Status.IN_REVIEW:
            raise WorkflowError("Only an article in review can be signed off: submit it first.")
        raise WorkflowError("You wrote this article: another editor records its medical review.")
    own_profile = getattr(by, "author_profile", None)
    reviewer = reviewer or own_profile
    if reviewer is None:
        raise WorkflowError("Choose the clinician who reviewed the article.")
    # Editors record reviews done by others; a reviewer who is not an editor only their own.
    if not is_editor(by) and reviewer != own_profile:
        raise WorkflowError("Record your own review: you are not an editor.")
    if reviewer.pk == locked.author_id:
        raise WorkflowError("The medical reviewer must be someone other than the author.")
    content = current_content(article)
    if seen is not None and seen != fingerprint(content):
        raise WorkflowError(
            "The article changed since this page was opened: read the current text, then sign "
            "it off."
        )
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise WorkflowError("A medical review cannot be dated in the future.")
    # The very content checked above: nothing can change it under the row lock.
    revision = record_revision(article, by=by, content=content)
    return _event(
        article,
        Action.SIGNED_OFF,
        by=by,
        revision=revision,
        reviewer=reviewer,
        reviewed_on=reviewed_on,
    )


def _check_publishable(article, by):
    """The sign-off that covers the working copy exactly, or a ``WorkflowError`` saying why not."""
    if not is_editor(by):
        raise PermissionDenied("Only editors publish articles.")
    if article.status != Status.IN_REVIEW:
        raise WorkflowError("Submit the draft for review before publishing it.")
    sign_off = current_sign_off(article)
    if sign_off is None:
        raise WorkflowError(
            "A medical reviewer must sign off the current version before it is published."
        )
    latest = latest_revision(article)
    if (
        sign_off.revision_id != latest.pk
        or fingerprint(current_content(article)) != sign_off.revision.fingerprint
    ):
        raise WorkflowError(
            f"The article changed after the medical review was signed off (revision "
            f"{sign_off.revision.number} was reviewed on {sign_off.reviewed_on:%Y-%m-%d}). "
            "A medical reviewer must sign off the current version before it is published."
        )
    if sign_off.reviewer_id == sign_off.revision.content["author_id"]:
        raise WorkflowError("The medical reviewer must be someone other than the author.")
    return sign_off


def _clean_note(note):
    note = (note or "").strip()
    if not note:
        raise WorkflowError('Write a one-line note for "What changed".')
    return note


def _end_versions(article, at):
    """The live version ends at ``at``; versions scheduled before never go live."""
    now = timezone.now()
    PublishedVersion.objects.live(now).filter(article=article).update(live_until=max(at, now))
    PublishedVersion.objects.scheduled(now).filter(article=article).update(
        live_until=F("live_from")
    )


def _new_version(article, sign_off, *, by, live_from, note):
    content = sign_off.revision.content
    others = PublishedVersion.objects.filter(slug=content["slug"]).exclude(article=article)
    if others.live().exists() or others.scheduled().exists():
        raise WorkflowError(
            f'Another published article uses the address "{content["slug"]}": change the slug.'
        )
    if not (
        Category.objects.filter(pk=content["category_id"]).exists()
        and Author.objects.filter(pk=content["author_id"]).exists()
    ):
        raise WorkflowError("The article's category or author no longer exists: choose another.")
    before = PublishedVersion.objects.filter(article=article).ever_live()
    base = before.order_by("-number").first()
    first = before.order_by("live_from").first()
    version = render_version(content, article=article)
    version.number = (
        PublishedVersion.objects.filter(article=article).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    version.revision = sign_off.revision
    version.sign_off = sign_off
    version.reviewed_by = sign_off.reviewer
    version.reviewed_on = sign_off.reviewed_on
    version.change_note = note
    version.changes = [
        {"date": timezone.localdate(live_from).isoformat(), "note": note},
        *(base.changes if base else []),
    ]
    version.first_published_at = first.first_published_at if first else live_from
    version.live_from = live_from
    version.published_by = by
    save_version(version)
    # The page reads its related articles from a list computed in the background.
    refresh_related_articles.using(run_after=live_from).enqueue([article.pk], neighbours=True)
    return version


@transaction.atomic
def publish(article, *, by, note):
    """Publish the signed-off revision now, with a line for the public "What changed" log."""
    note = _clean_note(note)
    _lock(article)
    sign_off = _check_publishable(article, by)
    now = timezone.now()
    _end_versions(article, now)
    version = _new_version(article, sign_off, by=by, live_from=now, note=note)
    # The working copy equals the live version again, and is open for the next change.
    _set_status(article, Status.DRAFT)
    _event(article, Action.PUBLISHED, by=by, revision=sign_off.revision, note=note)
    notifications.notify_published(version)
    return version


@transaction.atomic
def schedule(article, *, by, at, note):
    """Publish the signed-off revision at a future time ``at``; readers see it from then on.

    A version live now stays live until ``at``; no job is needed at that time.
    """
    note = _clean_note(note)
    now = timezone.now()
    if at is None or at <= now:
        raise WorkflowError("The scheduled time must be in the future.")
    if at > now + MAX_SCHEDULE_AHEAD:
        raise WorkflowError("Schedule publication within the next ten years.")
    _lock(article)
    sign_off = _check_publishable(article, by)
    _end_versions(article, at)
    version = _new_version(article, sign_off, by=by, live_from=at, note=note)
    _set_status(article, Status.DRAFT)
    _event(
        article,
        Action.SCHEDULED,
        by=by,
        revision=sign_off.revision,
        note=f"For {timezone.localtime(at):%Y-%m-%d %H:%M}: {note}",
    )
    notifications.notify_published(version)
    return version


@transaction.atomic
def unpublish(article, *, by, note=""):
    """Take the article offline now, and cancel a scheduled version; the working copy stays."""
    if not is_editor(by):
        raise PermissionDenied("Only editors unpublish articles.")
    _lock(article)
    now = timezone.now()
    versions = PublishedVersion.objects.filter(article=article)
    if not (versions.live(now).exists() or versions.scheduled(now).exists()):
        raise WorkflowError("The article is not published or scheduled.")
    _end_versions(article, now)
    return _event(article, Action.UNPUBLISHED, by=by, note=(note or "").strip())


@transaction.atomic
def restore_revision(article, revision, *, by):
    """Make an earlier revision the working copy again, as a new draft revision.

    Nothing readers see changes: the restored text needs a review and a publication like any
    other edit.
    """
    if not (is_editor(by) and may_edit_article(by, article)):
        raise PermissionDenied("Only editors restore earlier revisions.")
    locked = _lock(article)
    if revision.article_id != article.pk:
        raise WorkflowError("That revision belongs to another article.")
    content = revision.content
    if not (
        Category.objects.filter(pk=content["category_id"]).exists()
        and Author.objects.filter(pk=content["author_id"]).exists()
    ):
        raise WorkflowError("The revision's category or author no longer exists.")
    if Article.objects.filter(slug=content["slug"]).exclude(pk=article.pk).exists():
        raise WorkflowError(f'Another article now uses the slug "{content["slug"]}".')
    for name in ("title", "slug", "category_id", "author_id", "condition", "intro", "conclusion"):
        setattr(locked, name, content[name])
    locked.alternative_names = content.get("alternative_names", "")
    locked.status = Status.DRAFT
    locked.save()
    locked.sections.all().delete()
    locked.references.all().delete()
    Section.objects.bulk_create(Section(article=locked, **data) for data in content["sections"])
    Reference.objects.bulk_create(
        Reference(article=locked, **{**data, "accessed": data["accessed"] or None})
        for data in content["references"]
    )
    restored = record_revision(locked, by=by, summary=f"Restored revision {revision.number}")
    article.refresh_from_db()
    _event(article, Action.RESTORED, by=by, revision=restored, note=f"Revision {revision.number}")
    return restored
