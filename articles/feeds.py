"""RSS and Atom feeds of the latest live articles, site-wide and per author."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from authors.models import Author

from .models import PublishedVersion

# What XML 1.0 cannot hold: control characters other than tab and line breaks, and U+FFFE/F.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def for_xml(text):
    """``text`` without the characters a feed cannot carry (an imported title may hold them),
    rather than no feed at all."""
    return NOT_XML.sub("", text)


class LatestArticlesFeed(Feed):
    title = "Symptom Database: latest articles"
    description = "Health articles written and reviewed by clinicians, newest first."

    def link(self):
        return reverse("articles:home")

    def items(self):
        return (
            PublishedVersion.objects.live()
            .select_related("category", "author")
            .without_search_columns()
            .without_page_body()
            .with_comment_count()
            .newest_first()[: settings.FEED_ITEMS]
        )

    def item_title(self, item):
        return for_xml(item.title)

    def item_description(self, item):
        return for_xml(f"{item.summary} ({item.comment_count_label})")

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.live_from

    def item_author_name(self, item):
        return for_xml(item.author.display_name)

    def item_categories(self, item):
        return [for_xml(item.category.name)]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class AuthorArticlesFeed(LatestArticlesFeed):
    """One author's latest live articles (RSS)."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj):
        return for_xml(f"Symptom Database: articles by {obj.display_name}")

    def description(self, obj):
        return for_xml(f"The latest articles by {obj.display_name}.")

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return (
            PublishedVersion.objects.live()
            .for_author(obj)
            .select_related("category", "author")
            .without_search_columns()
            .without_page_body()
            .with_comment_count()
            .newest_first()[: settings.FEED_ITEMS]
        )
