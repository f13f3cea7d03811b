"""Fixtures for the production tests: fresh interpreters with a chosen environment, a closed
cache port, a superuser."""

import pytest
from django.test import override_settings

from tests.processes import CLOSED_DATABASE_URL, CLOSED_REDIS_URL, fetch_in_subprocess


@pytest.fixture(scope="session")
def database_down_pages():
    """The health check and two pages, fetched by a process whose database refuses connections."""
    pages, stderr = fetch_in_subprocess(
        ["/healthz", "/readyz", "/", "/articles/anything/"], DATABASE_URL=CLOSED_DATABASE_URL
    )
    return pages, stderr


_closed_cache_numbers = iter(range(1, 10_000))


@pytest.fixture
def cache_down():
    """The default cache pointed at a Redis port where nothing listens (a fresh location per
    test, so each test sees the outage begin)."""
    closed = {
        "default": {
            "BACKEND": "symptomdb.cache.ResilientRedisCache",
            "LOCATION": f"{CLOSED_REDIS_URL}?db={next(_closed_cache_numbers)}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=closed):
        yield


@pytest.fixture
def superuser(django_user_model):
    """A superuser (sign-in tests try many passwords)."""
    return django_user_model.objects.create_superuser(
        "chief", "chief@example.org", "a long and unguessable passphrase"
    )
