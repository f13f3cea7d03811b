"""Fixtures for the production tests: fresh interpreters with a chosen environment, a closed
cache port, a superuser."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent.parent

# Nothing listens on port 1: connections are refused at once.
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"
CLOSED_DATABASE_URL = "postgres://postgres@127.0.0.1:1/unreachable"

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "1",
    "DJANGO_ALLOWED_HOSTS": "symptomdb.example",
    "DJANGO_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter with only these variables (and a secret key) set."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "symptomdb.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        # Like the rest of the suite, run without collected static files (no manifest).
        "DJANGO_STATIC_MANIFEST": "0",
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args, **env):
    return run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        **env,
    )


def fetch_in_subprocess(paths, **env):
    """GET each path with the test client in a fresh process; {path: [status, body, headers]}."""
    code = (
        "import json, django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False)\n"
        "out = {}\n"
        f"for path in {list(paths)!r}:\n"
        "    response = client.get(path)\n"
        "    body = response.content.decode()\n"
        "    out[path] = [response.status_code, body, dict(response.headers)]\n"
        "print(json.dumps(out))\n"
    )
    result = run_python(code, DJANGO_ALLOWED_HOSTS="testserver", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


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
def superuser(django_user_model, settings):
    """A superuser whose password checks are fast (sign-in tests try many passwords)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_superuser(
        "chief", "chief@example.org", "a long and unguessable passphrase"
    )
