"""The "Related articles" lists: computed in the background, read with one join.

An article's related articles are the live ones sharing the most list terms with its live
version (a symptom, a cause, a treatment), then the newest of its category. Computing that
touches many rows, so it is done when an article is published and daily for every live article
(``BACKGROUND_JOBS``), and stored as ``RelatedArticle`` rows; the page reads them.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.tasks import task

from .models import PublishedVersion, RelatedArticle, VersionTerm

BATCH = 200


def compute_related(version, limit):
    """[(article id, shared terms)] for ``version``: most shared terms first, then category."""
    slugs = {term.slug for section in version.page_sections for term in section.terms}
    sharing = list(
        VersionTerm.objects.live()
        .filter(slug__in=slugs)
        .exclude(version__article_id=version.article_id)
        .values("version__article_id")
        .annotate(shared=Count("slug", distinct=True))
        .order_by("-shared", "-version__first_published_at", "version__article_id")
        .values_list("version__article_id", "shared")[:limit]
    )
    if len(sharing) < limit:
        taken = {article_id for article_id, _ in sharing} | {version.article_id}
        same_category = (
            PublishedVersion.objects.live()
            .filter(category_id=version.category_id)
            .exclude(article_id__in=taken)
            .newest_first()
            .values_list("article_id", flat=True)[: limit - len(sharing)]
        )
        sharing += [(article_id, 0) for article_id in same_category]
    return sharing


@transaction.atomic
def refresh_related(version, limit=None):
    """Store the related list of ``version``'s article anew."""
    related = compute_related(version, limit or settings.RELATED_ARTICLES)
    RelatedArticle.objects.filter(source_id=version.article_id).delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(
            source_id=version.article_id, related_id=article_id, position=position, shared_terms=n
        )
        for position, (article_id, n) in enumerate(related, start=1)
    )


@task()
def refresh_related_articles(article_ids, *, neighbours=False):
    """Refresh the related lists of these articles (their live versions); with
    ``neighbours``, also of the articles now listed as related to them, which likely gain
    them in return."""
    versions = PublishedVersion.objects.live().filter(article_id__in=article_ids)
    refreshed = set()
    for version in versions.only("pk", "article_id", "category_id", "sections"):
        refresh_related(version)
        refreshed.add(version.article_id)
    if neighbours:
        others = RelatedArticle.objects.filter(source_id__in=refreshed).exclude(
            related_id__in=refreshed
        )
        refresh_related_articles.call(list(others.values_list("related_id", flat=True)))
    return len(refreshed)


@task()
def refresh_all_related_articles():
    """Daily: enqueue the refresh of every live article's related list, in batches."""
    ids = list(PublishedVersion.objects.live().order_by("pk").values_list("article_id", flat=True))
    for start in range(0, len(ids), BATCH):
        refresh_related_articles.enqueue(ids[start : start + BATCH])
    return len(ids)
