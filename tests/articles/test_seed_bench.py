"""The benchmark database that ``seed_bench`` fills shows what a real one would: pages count
and page the comments they were given, their text stored rendered as publishing stores it."""

import io
import math

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import PublishedVersion
from articles.seeding import HOT_ARTICLE_COMMENTS, hot_article
from articles.versions import body_digest
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_seeded_articles_count_and_page_their_comments(client):
    call_command(
        "seed_bench", articles=3, comments=HOT_ARTICLE_COMMENTS + 60, ratings=0, confirmed=True,
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    hot = hot_article()
    for version in PublishedVersion.objects.live().filter(slug__startswith="bench-"):
        shown = Comment.objects.shown().filter(article=version.article_id).count()
        assert shown, version.slug
        page = client.get(version.get_absolute_url())
        assert f"{shown} comments</a>" in page.text
        # Its text stored rendered, as publishing does: the benchmark measures what readers get.
        assert version.body_digest == body_digest()
        assert " ".join(version.body_html.split()) in " ".join(page.text.split())

    threads = Comment.objects.approved().filter(article=hot.article_id, parent__isnull=True)
    last = math.ceil(threads.count() / settings.COMMENTS_PER_PAGE)
    assert client.get(hot.get_absolute_url(), {"comments": last}).status_code == 200
    assert client.get(hot.get_absolute_url(), {"comments": last + 1}).status_code == 404
