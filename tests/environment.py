"""Test-run environment, set before pytest-django loads the settings.

Tests run with DEBUG off, as production does; production refuses to start without a secret
key, so each test run gets a fresh random one. Tests use plain HTTP and uncollected static
files, so HTTPS-only settings and the fingerprinted static storage stay off.
"""

import os
import secrets

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_HTTPS"] = "0"
    os.environ["DJANGO_STATIC_MANIFEST"] = "0"


def pytest_configure(config):
    from django.conf import settings

    # The whole suite signs in with a fast hasher: tests prove who may sign in, not the
    # hasher's cost (a production hash takes a good part of a second on this machine).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}; cache: {cache}"
