"""Error pages: in the site's style, leaking nothing, and rendered without the database (these
tests have no database access: any query would fail them)."""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse

from symptomdb.limits import LimitReached
from symptomdb.responses import permission_denied, service_unavailable, too_many_requests


def assert_site_error_page(response, heading):
    html = response.content.decode()
    assert "<title>" in html
    assert "Symptom Database" in html
    assert heading in html
    assert "Traceback" not in html
    assert settings.SECRET_KEY not in html
    assert str(settings.BASE_DIR) not in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_404_page_renders_without_the_database(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_site_error_page(response, "Page not found")
    assert "no-such-page" not in response.content.decode()


def test_500_page_renders_without_the_database():
    """The home page needs the database, which this test may not use: the view fails."""
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert_site_error_page(response, "Something went wrong")
    assert "Database access not allowed" not in response.content.decode()


def test_429_response_renders_the_message_without_the_database():
    request = RequestFactory().get("/")
    limit = LimitReached("Only three comments per ten minutes.", retry_after=599.2)
    response = too_many_requests(request, limit, back=("/a/article/", "Back to the article"))
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "600"
    html = response.content.decode()
    assert "Too many requests" in html
    assert "Only three comments per ten minutes." in html
    assert '<a href="/a/article/">Back to the article</a>' in html


def test_429_message_is_escaped():
    response = too_many_requests(RequestFactory().get("/"), LimitReached("<b>slow down</b>"))
    assert "&lt;b&gt;slow down&lt;/b&gt;" in response.content.decode()


def test_429_answers_json_to_a_script_that_asks_for_it():
    request = RequestFactory().get("/", headers={"accept": "application/json"})
    response = too_many_requests(request, LimitReached("Wait a minute.", retry_after=60))
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert json.loads(response.content) == {"ok": False, "error": "Wait a minute."}


def test_503_response_renders_without_the_database():
    response = service_unavailable(RequestFactory().get("/"))
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
    assert response.headers["Retry-After"]


def test_403_page_renders_without_the_database():
    response = permission_denied(RequestFactory().get("/"), PermissionDenied())
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_csrf_failure_shows_the_site_page_without_the_reason_or_the_database():
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    assert_site_error_page(response, "This form has expired")
    assert "CSRF" not in response.content.decode()


def test_pages_answer_503_while_the_database_is_unreachable(database_down_pages):
    pages, stderr = database_down_pages
    for path in ["/", "/articles/anything/"]:
        status, body, headers = pages[path]
        assert status == 503
        assert "Temporarily unavailable" in body
        assert headers["Retry-After"]
        assert "127.0.0.1" not in body
    assert "Database unavailable" in stderr
