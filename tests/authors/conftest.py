import pytest
from django.test import Client

from authors.models import Author


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
