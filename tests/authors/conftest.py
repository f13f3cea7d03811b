import pytest
from django.test import Client

from authors.models import Author
from authors.ratings import Reader, rate_author
from symptomdb.addresses import address_hash


@pytest.fixture
def rate(db):
    """``rate(author, score, n)``: reader number ``n`` (own token and address) rates ``author``."""

    def rate(author, score, n):
        return rate_author(
            author,
            score,
            reader=Reader(token=f"test-reader-{n:06d}"),
            address_hash=address_hash(f"10.0.{n // 250}.{n % 250}"),
        )

    return rate


@pytest.fixture
def rate_many(rate):
    """``rate_many(author, {5: 3, 4: 1})``: that many readers give each score."""

    def rate_many(author, counts, start=0):
        n = start
        for score, number in counts.items():
            for _ in range(number):
                rate(author, score, n)
                n += 1
        return n

    return rate_many


@pytest.fixture
def make_author(db):
    counter = iter(range(1, 10_000))

    def make(name=None, **fields):
        number = next(counter)
        name = name or f"Author Number{number}"
        return Author.objects.create(name=name, slug=f"author-{number}", **fields)

    return make


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def csrf_token_from(client, url):
    """GET ``url`` with ``client`` and return the CSRF token of the form on it."""
    import re

    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def fresh(author):
    return Author.objects.with_rating().get(pk=author.pk)
