"""The daily reference check against a real local HTTP server: a 404 and a timeout are broken,
a server without HEAD and a redirect are fine, private addresses are not requested unless
allowed, and editors see the broken ones in the admin."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Reference, ReferenceCheck
from articles.tasks import cited_addresses
from tests.factories import publish, signed_in_client, staff_user

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    requests = []

    def log_message(self, *args):  # keep the test output quiet
        pass

    def answer(self, with_body):
        Handler.requests.append((self.command, self.path, self.headers.get("User-Agent")))
        if self.path == "/slow":
            time.sleep(2)
        status = {"/gone": 404, "/redirect": 302}.get(self.path, 200)
        if self.path == "/nohead" and self.command == "HEAD":
            status = 405
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self.answer(with_body=False)

    def do_GET(self):
        self.answer(with_body=True)


@pytest.fixture
def web_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def checker_settings(settings):
    settings.REFERENCE_CHECK_ALLOW_PRIVATE = True
    settings.REFERENCE_CHECK_TIMEOUT_SECONDS = 0.5
    settings.REFERENCE_CHECK_DELAY_SECONDS = 0
    return settings


def cite(article, *urls):
    Reference.objects.bulk_create(
        Reference(article=article, position=n, text=f"Source {n}", url=url)
        for n, url in enumerate(urls, start=1)
    )


def test_a_404_and_a_timeout_are_broken_and_listed_for_editors(
    make_article, web_server, checker_settings, run_tasks
):
    article = make_article(published=False, title="What cites things?")
    paths = ["/ok", "/gone", "/slow", "/nohead", "/redirect"]
    cite(article, *[web_server + path for path in paths])
    run_tasks()  # housekeeping enqueues the daily check, which enqueues the batches

    checks = {c.url.removeprefix(web_server): c for c in ReferenceCheck.objects.all()}
    assert {path for path, c in checks.items() if c.is_broken} == {"/gone", "/slow"}
    assert checks["/gone"].status_code == 404
    assert "timeout" in checks["/slow"].error
    assert checks["/nohead"].status_code == 200  # HEAD refused, GET answered
    assert ("GET", "/nohead") in [(m, p) for m, p, _ in Handler.requests]
    assert all(agent.startswith("SymptomDatabaseLinkChecker/") for _, _, agent in Handler.requests)

    editor = signed_in_client(staff_user("edna", "Editors"))
    page = editor.get(reverse("admin:articles_brokenreference_changelist")).content.decode()
    assert "HTTP 404" in page
    assert "no answer in time (timeout)" in page
    assert "What cites things?" in page
    assert f"{web_server}/ok<" not in page
    author = signed_in_client(staff_user("ada", "Authors"))
    assert author.get(reverse("admin:articles_brokenreference_changelist")).status_code == 403


def test_a_link_that_stays_broken_keeps_the_day_it_broke_and_a_fixed_one_leaves_the_list(
    make_article, web_server, checker_settings, run_tasks
):
    article = make_article(published=False)
    cite(article, web_server + "/gone")
    run_tasks()
    first = ReferenceCheck.objects.get().broken_since
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        run_tasks()
    check = ReferenceCheck.objects.get()
    assert check.broken_since == first
    assert check.checked_at > first
    Reference.objects.filter(article=article).update(url=web_server + "/ok")
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        run_tasks()
    assert not Reference.objects.broken().exists()


def test_private_addresses_are_not_requested_by_default(
    make_article, web_server, settings, run_tasks
):
    settings.REFERENCE_CHECK_ALLOW_PRIVATE = False
    article = make_article(published=False)
    cite(article, web_server + "/gone")
    run_tasks()
    check = ReferenceCheck.objects.get()
    assert not check.is_broken
    assert "not checked" in check.error
    assert Handler.requests == []


def test_dois_are_checked_at_doi_org_and_the_live_version_s_links_too(make_article):
    article = make_article(published=False)
    Reference.objects.create(article=article, position=1, text="A paper", doi="10.1000/xyz")
    publish(article)
    # The working copy now cites another source; readers still see the first one.
    Reference.objects.filter(article=article).update(doi="", url="https://example.org/new")
    assert cited_addresses() == ["https://doi.org/10.1000/xyz", "https://example.org/new"]


def test_task_status_shows_the_queue(capsys, run_tasks):
    call_command("task_status")
    out = capsys.readouterr().out
    assert "tasks ready" in out
    assert "emails failed" in out
