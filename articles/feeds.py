"""RSS and Atom feeds of the latest live articles, site-wide and per author."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from authors.models import Author

from .models import PublishedVersion


class LatestArticlesFeed(Feed):
    title = "Symptom Database: latest articles"
    description = "Health articles written and reviewed by clinicians, newest first."

    def link(self):
        return reverse("articles:home")

    def items(self):
        return (
            PublishedVersion.objects.live()
            .select_related("category", "author")
            .with_comment_count()
            .newest_first()[: settings.FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.summary} ({item.comment_count_label})"

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.live_from

    def item_author_name(self, item):
        return item.author.display_name

    def item_categories(self, item):
        return [item.category.name]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class AuthorArticlesFeed(LatestArticlesFeed):
    """One author's latest live articles (RSS)."""

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
            PublishedVersion.objects.live()
            .for_author(obj)
            .select_related("category", "author")
            .with_comment_count()
            .newest_first()[: settings.FEED_ITEMS]
        )
