"""The cache is an accelerator: with Redis configured but unreachable, pages are served, sign-in
works, readers comment and rate, reads miss, writes are skipped, and one warning is logged."""

import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from authors.models import Rating
from comments.forms import make_form_token
from comments.models import Comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_down")]


def test_article_pages_are_served_with_the_cache_down(client, seed_article):
    for url in [
        reverse("articles:home"),
        seed_article.get_absolute_url(),
        seed_article.category.get_absolute_url(),
        seed_article.author.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert seed_article.title in client.get(seed_article.get_absolute_url()).content.decode()


def test_admin_sign_in_works_with_the_cache_down(client, superuser):
    """Sessions live in the database, and so do failed sign-in counts."""
    response = client.post(
        reverse("admin:login"),
        {"username": "chief", "password": "a long and unguessable passphrase"},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_cache_reads_miss_and_writes_are_skipped_with_one_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="symptomdb.cache"):
        assert cache.set("key", "value") is None
        assert cache.get("key") is None
        assert cache.get("key", "fallback") == "fallback"
        assert cache.get_or_set("key", lambda: "computed") == "computed"
        assert cache.get_many(["key", "other"]) == {}
        assert cache.add("key", "value") is False
        assert cache.delete("key") is False
        with pytest.raises(ValueError, match="not found"):
            cache.incr("counter")
    warnings = [r for r in caplog.records if r.name == "symptomdb.cache"]
    assert len(warnings) == 1
    assert "Cache unreachable" in warnings[0].getMessage()


def test_a_reader_posts_a_comment_with_the_cache_down(client, seed_article):
    """A comment is stored, awaiting moderation, and shown to its writer."""
    response = client.post(
        seed_article.get_absolute_url(),
        {
            "name": "Rita Reader",
            "email": "rita.cache-down@example.com",
            "body": "Posted while the cache was away.",
            "started": make_form_token(seed_article.pk, time.time() - 60),
            "website": "",
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get(article=seed_article)
    assert comment.status == Comment.Status.PENDING
    page = client.get(seed_article.get_absolute_url()).content.decode()
    assert "your comment is awaiting moderation" in page
    assert "Posted while the cache was away." in page


def test_a_reader_rates_and_re_rates_an_author_with_the_cache_down(client, seed_article):
    """A form post stores the rating; a JSON post changes it; the reader is counted once."""
    author = seed_article.author
    url = reverse("authors:rate", args=[author.slug])
    response = client.post(url, {"score": "4", "next": seed_article.get_absolute_url()})
    assert response.status_code == 302
    assert Rating.objects.get(author=author).score == 4

    response = client.post(url, {"score": "5"}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json()["held"] is True  # a first-time reader's rating waits a day
    assert Rating.objects.get(author=author).score == 5
