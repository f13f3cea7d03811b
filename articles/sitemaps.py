"""The sitemaps of live articles, and of the categories and authors that have them, with lastmod.

``/sitemap.xml`` is an index of the sections' files (``/sitemap-articles.xml`` and so on),
which the sitemap protocol caps at 50,000 addresses; articles come ``ARTICLES_PER_FILE`` to a
file (``?p=2``...), so that no file grows with the site and every article is listed.
"""

import re

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Max
from django.http import Http404
from django.views.decorators.http import require_safe

from authors.models import Author
from symptomdb.inputs import PAGE_NUMBER

from .models import Category, PublishedVersion, live_condition

# Few enough that a file is quick to make when a publication changes it.
ARTICLES_PER_FILE = 2_000


class LatestPublication:
    """A section's latest change is the latest live version's (each has a category and an
    author): one query, where Django's default reads every item of the section."""

    def get_latest_lastmod(self):
        return PublishedVersion.objects.live().aggregate(latest=Max("live_from"))["latest"]


class ArticleSitemap(LatestPublication, Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = ARTICLES_PER_FILE

    def items(self):
        return PublishedVersion.objects.live().only("slug", "live_from").order_by("pk")

    def lastmod(self, item):
        return item.live_from


class CategorySitemap(LatestPublication, Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return (
            Category.objects.with_published_counts()
            .annotate(
                last_change=Max(
                    "published_versions__live_from", filter=live_condition("published_versions__")
                )
            )
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.last_change


class AuthorSitemap(LatestPublication, Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return (
            Author.objects.annotate(
                last_change=Max(
                    "published_versions__live_from", filter=live_condition("published_versions__")
                )
            )
            .filter(last_change__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.last_change


SITEMAPS = {"articles": ArticleSitemap, "categories": CategorySitemap, "authors": AuthorSitemap}


@require_safe
def sitemap_section(request, section):
    """One section's file; its page (``?p=``) written one way only ("01" and "+1" would each
    be one more page to cache)."""
    page = request.GET.get("p")
    if page is not None and not re.fullmatch(PAGE_NUMBER, page):
        raise Http404("No such page of the sitemap.")
    return sitemap(request, SITEMAPS, section=section)
