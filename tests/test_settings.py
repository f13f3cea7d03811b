"""Configuration from the environment: production refuses weak or missing secret keys."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    """Import the settings in a fresh interpreter with exactly these variables set."""
    environment = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "symptomdb.settings"}
    environment.update(env)
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("key", ["short", "django-insecure-" + "a" * 50, "ab" * 30])
def test_production_refuses_a_weak_secret_key(key):
    result = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_debug_runs_with_no_configuration_on_sqlite():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    result = load_settings(DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    # Django's backend with a cheaper health check (symptomdb/postgresql/base.py).
    assert result.stdout.strip() == "symptomdb.postgresql"
