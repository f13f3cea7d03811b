"""Request ids and structured logs: every response carries X-Request-ID, every log line written
during a request carries the same id, and JSON lines hold no secrets or request data."""

import json
import logging

import pytest

from symptomdb.observability import JsonFormatter, RequestIdFilter
from tests.processes import run_python

pytestmark = pytest.mark.django_db


def test_each_response_gets_a_fresh_request_id(client):
    first = client.get("/no-such-page/").headers["X-Request-ID"]
    second = client.get("/no-such-page/").headers["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_proxy_request_id_is_kept_and_a_malformed_one_replaced(client):
    kept = client.get("/", HTTP_X_REQUEST_ID="lb-4f2a9c1d-0001")
    assert kept.headers["X-Request-ID"] == "lb-4f2a9c1d-0001"
    replaced = client.get("/", HTTP_X_REQUEST_ID="<script>\n")
    assert replaced.headers["X-Request-ID"] != "<script>\n"
    assert len(replaced.headers["X-Request-ID"]) == 32


def test_the_access_log_line_carries_the_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="symptomdb.access"):
        response = client.get("/?page=1&token=s3cr3t", HTTP_X_REQUEST_ID="trace-00000042")
    (record,) = [r for r in caplog.records if r.name == "symptomdb.access"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response.headers["X-Request-ID"] == "trace-00000042"
    assert line["path"] == "/"
    assert line["status"] == 200
    assert "s3cr3t" not in json.dumps(line)


def test_json_lines_for_an_error_hold_the_exception_but_no_request_data():
    """A failing request logged as JSON: the traceback is there; the database password,
    cookies, query data and the secret key are not."""
    code = """
import django, json, logging
django.setup()
from django.conf import settings
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "cookie-value-123"
response = client.get("/", {"password": "posted-password-123"})
print(response.status_code, settings.SECRET_KEY)
"""
    result = run_python(
        code,
        DJANGO_LOG_FORMAT="json",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL="postgres://postgres:db-password-123@127.0.0.1:1/unreachable",
    )
    assert result.returncode == 0, result.stderr
    status, secret_key = result.stdout.split()
    assert status == "503"
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert lines, result.stderr
    error = next(line for line in lines if line["logger"] == "symptomdb.health")
    assert error["level"] == "ERROR"
    assert "OperationalError" in error["exception"]
    assert error["request_id"] != "-"
    # Every line about the request, Django's own included, carries its id.
    assert {line["request_id"] for line in lines} == {error["request_id"]}
    for secret in (secret_key, "db-password-123", "posted-password-123", "cookie-value-123"):
        assert secret not in result.stderr


def test_log_lines_outside_a_request_say_so():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    RequestIdFilter().filter(record)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "-"
    assert json.loads(JsonFormatter().format(record))["message"] == "hello world"
