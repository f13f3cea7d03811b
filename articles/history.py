"""Restoring an article to an earlier recorded version, sections and references included."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Article, Reference, Section

RESTORED_FIELDS = ["title", "slug", "category_id", "intro", "conclusion"]


@transaction.atomic
def restore_version(article, history_id, *, by):
    """Bring back the text, sections and references of ``article`` as they were at that save.

    The workflow state (status, dates, review sign-off) is not rolled back: a restored version
    is new content, so publishing it again needs a fresh review.
    """
    record = article.history.get(history_id=history_id)
    # The admin saves the article before its sections, so a version's sections are the ones
    # standing just before the article's next recorded save.
    later = (
        article.history.filter(history_date__gt=record.history_date)
        .order_by("history_date")
        .first()
    )
    at = later.history_date - timedelta(microseconds=1) if later else timezone.now()
    for name in RESTORED_FIELDS:
        setattr(article, name, getattr(record, name))
    article.sections.all().delete()
    article.references.all().delete()
    for old in Section.history.as_of(at).filter(article_id=article.pk).order_by("position"):
        Section(
            article=article,
            position=old.position,
            heading=old.heading,
            anchor=old.anchor,
            kind=old.kind,
            body=old.body,
        ).save()
    for old in Reference.history.as_of(at).filter(article_id=article.pk).order_by("position"):
        Reference.objects.create(
            article=article,
            position=old.position,
            text=old.text,
            url=old.url,
            doi=old.doi,
            pubmed_id=old.pubmed_id,
            accessed=old.accessed,
        )
    article._history_user = by
    article._change_reason = f"Restored the version of {record.history_date:%Y-%m-%d %H:%M}"
    article.save()
    return Article.objects.get(pk=article.pk)
