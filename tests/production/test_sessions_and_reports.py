"""Staff are signed out after an idle time; cookies are "__Host-" cookies over HTTPS; pages
send a nonce-ready CSP that names the report endpoint, which stores reports within limits."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from symptomdb.models import CspReport
from tests.factories import signed_in_client, staff_user
from tests.processes import PRODUCTION_ENV, run_python

pytestmark = pytest.mark.django_db


def test_staff_are_signed_out_after_the_idle_time(settings):
    settings.ADMIN_IDLE_MINUTES = 30
    client = signed_in_client(staff_user("edna", "Editors"))
    assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert client.get(reverse("admin:index")).status_code == 200  # activity renews it
    with time_machine.travel(timezone.now() + timedelta(minutes=45)):
        assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=80)):
        response = client.get(reverse("admin:articles_article_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        login = client.get(response["Location"]).content.decode()
        assert "signed out after 30 minutes without activity" in login
        assert "_auth_user_id" not in client.session


def test_every_cookie_is_a_host_cookie_over_https():
    code = (
        "import json, django; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(json.dumps([s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.RATING_READER_COOKIE,"
        " s.COMMENTER_COOKIE, s.CSRF_COOKIE_PATH, s.SESSION_COOKIE_DOMAIN]))\n"
    )
    result = run_python(code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    names = json.loads(result.stdout.strip().splitlines()[-1])
    assert names == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "__Host-sdb_reader",
        "__Host-sdb_commenter",
        "/",
        None,
    ]


def test_pages_name_the_report_endpoint_and_use_a_nonce_only_when_needed(client, seed_article):
    response = client.get(seed_article.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "report-uri /csp-report/" in policy
    assert "report-to csp-endpoint" in policy
    assert "script-src 'self'" in policy
    assert "'nonce-" not in policy  # no inline script on the page: no nonce either
    assert response["Reporting-Endpoints"] == 'csp-endpoint="/csp-report/"'


def report(client, payload, content_type="application/csp-report", **extra):
    return client.post(reverse("csp_report"), payload, content_type=content_type, **extra)


def test_a_browsers_report_is_stored_in_either_format():
    client = Client(enforce_csrf_checks=True)
    old = {
        "csp-report": {
            "document-uri": "https://symptomdb.example/articles/x/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
            "line-number": 12,
            "script-sample": "alert(1)",
        }
    }
    assert report(client, json.dumps(old)).status_code == 204
    new = [
        {
            "type": "csp-violation",
            "body": {
                "documentURL": "https://symptomdb.example/",
                "effectiveDirective": "style-src-attr",
                "blockedURL": "inline",
            },
        }
    ]
    assert report(client, json.dumps(new), "application/reports+json").status_code == 204
    rows = list(CspReport.objects.order_by("pk").values_list("violated_directive", "line_number"))
    assert rows == [("script-src-elem", 12), ("style-src-attr", None)]


def test_oversized_malformed_and_floods_of_reports_are_refused():
    client = Client()
    big = json.dumps({"csp-report": {"document-uri": "x" * 10_000}})
    assert report(client, big).status_code == 413
    assert report(client, "not json").status_code == 400
    assert report(client, json.dumps({"something": "else"})).status_code == 400
    huge_number = '{"csp-report": {"line-number": ' + "9" * 5000 + "}}"
    assert report(client, huge_number).status_code == 400
    assert report(client, "[" * 4000 + "]" * 4000).status_code == 400  # nested too deep
    assert report(client, "{}", CONTENT_LENGTH="\u00b2").status_code == 413  # "²".isdigit()
    assert not CspReport.objects.exists()
    body = json.dumps({"csp-report": {"violated-directive": "img-src"}})
    statuses = [report(client, body).status_code for _ in range(12)]
    assert statuses.count(204) == settings.CSP_REPORTS_PER_ADDRESS_PER_MINUTE
    assert statuses[-1] == 429
    assert report(Client(REMOTE_ADDR="10.9.9.9"), body).status_code == 204
    assert client.get(reverse("csp_report")).status_code == 405


def test_editors_see_the_weeks_reports_on_the_admin_index():
    CspReport.objects.create(violated_directive="script-src", document_uri="/")
    page = signed_in_client(staff_user("edna", "Editors")).get(reverse("admin:index"))
    assert "1 browser security report" in page.content.decode()


@pytest.mark.parametrize("value", ["a\u0000b", "\ud800", "é" * 600])
def test_a_report_with_characters_a_database_cannot_hold_is_stored_cleaned(client, value):
    body = json.dumps({"csp-report": {"document-uri": value, "violated-directive": "img-src"}})
    response = client.post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == 204
    stored = CspReport.objects.get().document_uri
    assert "\u0000" not in stored
    assert stored.encode("utf-8")
