"""``/sitemap.xml``: live articles, the categories and authors that have them, with lastmod."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from authors.models import Author

from .models import Category, PublishedVersion, live_condition


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return PublishedVersion.objects.live().only("slug", "live_from").order_by("pk")

    def lastmod(self, item):
        return item.live_from


class CategorySitemap(Sitemap):
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


class AuthorSitemap(Sitemap):
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
