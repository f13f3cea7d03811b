"""Helpers for the author and rating tests: a form's CSRF token, an author's figures as the
site computes them, readers first seen long ago."""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from authors.models import Author
from authors.ratings import Reader, remember_reader


def csrf_token_from(client, url):
    """GET ``url`` with ``client`` and return the CSRF token of the form on it."""
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
