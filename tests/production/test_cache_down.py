"""The cache is an accelerator: with Redis configured but unreachable, pages are served, sign-in
works, reads miss, writes are skipped, and one warning is logged."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

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
