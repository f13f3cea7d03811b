"""/healthz (liveness) fails only when the app cannot serve; /readyz (readiness) also waits for
the release's migrations. A cache outage is reported as degraded, never fatal."""

import json

import pytest

from tests.processes import fetch_in_subprocess, run_manage


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_any_host_over_plain_http_even_with_https_redirects(client, settings):
    """A load balancer probes each server by its address, over HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["symptomdb.example"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="symptomdb.example").status_code == 301


@pytest.mark.django_db
@pytest.mark.usefixtures("cache_down")
def test_with_redis_down_healthz_says_degraded_and_keeps_the_server_in(client):
    """The site serves without its cache, so a load balancer must not remove the server."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}
    assert client.get("/readyz").status_code == 200


def test_healthz_answers_503_naming_the_database_when_it_is_down(database_down_pages):
    pages, _ = database_down_pages
    status, body, _ = pages["/healthz"]
    assert status == 503
    assert json.loads(body)["database"] == "unavailable"
    status, body, _ = pages["/readyz"]
    assert status == 503
    assert json.loads(body)["status"] == "unavailable"


@pytest.mark.django_db
def test_readyz_answers_200_once_every_migration_is_applied(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "migrations": "applied"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_503_while_a_release_waits_for_its_migrations(tmp_path):
    """A server started on a database one migration behind its code takes no traffic."""
    database = tmp_path / "behind.sqlite3"
    url = f"sqlite:///{database}"
    assert run_manage("migrate", "--no-input", DATABASE_URL=url).returncode == 0
    assert run_manage("migrate", "articles", "0014", DATABASE_URL=url).returncode == 0
    pages, _ = fetch_in_subprocess(["/readyz", "/healthz"], DATABASE_URL=url)
    assert pages["/readyz"][0] == 503
    assert json.loads(pages["/readyz"][1])["migrations"] == "pending"
    assert pages["/healthz"][0] == 200
