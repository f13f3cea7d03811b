import secrets
from datetime import timedelta

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from authors.models import Author
from authors.ratings import Reader, remember_reader


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


def long_standing(token):
    """An anonymous reader whose token was given long ago: their new ratings count at once."""
    return Reader(token=token, since=timezone.now() - timedelta(days=400))


def returning_reader(client, days=30):
    """Give ``client`` the reader cookie the site gave a reader first seen ``days`` ago."""
    response = HttpResponse()
    reader = Reader(token=secrets.token_urlsafe(24), since=timezone.now() - timedelta(days=days))
    remember_reader(response, reader)
    client.cookies[settings.RATING_READER_COOKIE] = response.cookies[
        settings.RATING_READER_COOKIE
    ].value
    return client
