"""RSS and Atom feeds of the latest published articles, site-wide and per author."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from authors.models import Author

from .models import Article
from .structured_data import description


class LatestArticlesFeed(Feed):
    title = "Symptom Database: latest articles"
    description = "Health articles written and reviewed by clinicians, newest first."

    def link(self):
        return reverse("articles:home")

    def items(self):
        return (
            Article.objects.published()
            .select_related("category", "author")
            .latest()[: settings.FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return description(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.display_name

    def item_categories(self, item):
        return [item.category.name]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class AuthorArticlesFeed(LatestArticlesFeed):
    """One author's latest published articles (RSS)."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj):
        return f"Symptom Database: articles by {obj.display_name}"

    def description(self, obj):
        return f"The latest articles by {obj.display_name}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return (
            Article.objects.published()
            .for_author(obj)
            .select_related("category", "author")
            .latest()[: settings.FEED_ITEMS]
        )
