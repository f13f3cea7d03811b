"""Author fixtures: a factory of authors, a browser that enforces CSRF."""

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
