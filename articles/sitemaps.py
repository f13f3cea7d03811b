"""``/sitemap.xml``: published articles, the categories and authors that have them, with lastmod."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q

from authors.models import Author

from .models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


def _published(prefix):
    return Q(**{f"{prefix}__in": Article.objects.published()})


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return (
            Category.objects.with_published_counts()
            .annotate(last_change=Max("articles__updated_at", filter=_published("articles")))
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
                last_change=Max("articles__updated_at", filter=_published("articles"))
            )
            .filter(last_change__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.last_change


SITEMAPS = {"articles": ArticleSitemap, "categories": CategorySitemap, "authors": AuthorSitemap}
