"""/healthz: 200 when the database and the cache answer, 503 naming the one that does not."""

import json

import pytest


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "failed": [], "database": "ok", "cache": "ok"}
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
def test_healthz_answers_503_naming_the_cache_when_redis_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["database"] == "ok"


def test_healthz_answers_503_naming_the_database_when_it_is_down(database_down_pages):
    pages, _ = database_down_pages
    status, body, _ = pages["/healthz"]
    assert status == 503
    assert json.loads(body)["failed"] == ["database"]
