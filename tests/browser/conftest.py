"""Browser tests: Playwright drives the system Chromium against pytest-django's live server.

One browser per test session; each test gets fresh contexts (cookies, storage) and pages. When
Chromium is not installed the tests are skipped with the command that installs it, unless
``BROWSER_TESTS_REQUIRED=1`` is set (CI sets it), which turns that skip into a failure.
"""

import os
import re
import shutil
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import sync_playwright

from articles.models import Article

from .helpers import ARTIFACTS, DEMO_PASSWORD, SEED_TITLE, TIMEOUT_MS, artifact_name, screenshot

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is intended (the documented approach).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
INSTALL_COMMAND = "sudo apt-get install chromium"


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """The system Chromium, headless, shared by every browser test of the session."""
    executable = shutil.which("chromium")
    if executable is None:
        reason = f"Chromium is not installed; install it with: {INSTALL_COMMAND}"
        if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
            pytest.fail(f"BROWSER_TESTS_REQUIRED=1 but the browser tests cannot run. {reason}")
        pytest.skip(reason)
    snapshots = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # Under Playwright's running event loop Django keeps its database connections per
        # context rather than per thread, so the tests get new connection objects. Give them
        # the snapshot of the migrated database that serialized rollback restores.
        for alias, contents in snapshots.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(request, browser, live_server):
    """Open a page in a fresh browser context; any error a page reports fails the test.

    Console errors (a script error, a blocked Content-Security-Policy resource, a missing static
    file) and uncaught exceptions are collected from every page and must be none at the end.
    When the test fails, each open page is photographed to tests/artifacts/failed-TEST-N.png.
    """
    contexts = []
    errors = []
    for stale in ARTIFACTS.glob(f"failed-{artifact_name(request.node.name)}-*.png"):
        stale.unlink()  # pictures of an earlier failure of this test

    def open_page(
        *, width=1280, height=900, java_script_enabled=True, expected_errors=(), **context_options
    ):
        """A page in a new context; ``context_options`` go to Playwright's ``new_context``
        (e.g. ``storage_state=page.context.storage_state()`` to carry a reader's cookies over).

        ``expected_errors``: patterns of console errors the journey causes on purpose (a form
        refused with a 4xx answer is logged as a failed resource); only those are let through.
        """
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=java_script_enabled,
            **context_options,
            # Bootstrap scrolls smoothly unless reduced motion is asked for; a headless browser
            # may leave such an animation unfinished, so jumps are made instant and checkable.
            reduced_motion="reduce",
        )
        context.set_default_timeout(TIMEOUT_MS)
        # The site declares no icon, so Chromium asks for /favicon.ico on its own; answer it
        # here rather than count that 404 as an error of the page under test.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        contexts.append(context)
        page = context.new_page()

        def on_console(message):
            expected = any(re.search(pattern, message.text) for pattern in expected_errors)
            if message.type == "error" and not expected:
                errors.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        pages = [page for context in contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            screenshot(page, f"failed-{request.node.name}-{number}")
    for context in contexts:
        context.close()
    assert errors == [], "the browser reported errors:\n" + "\n".join(errors)


@pytest.fixture
def page(new_page):
    """A page 1280 px wide in a fresh browser context."""
    return new_page()


@pytest.fixture
def seeded(transactional_db):
    """The demo content and accounts, loaded and published with the same commands as
    ``make run``; returns the seed article."""
    call_command("load_demo_content", stdout=StringIO())
    call_command("create_demo_accounts", stdout=StringIO())
    call_command("load_demo_reviews", stdout=StringIO())
    return Article.objects.select_related("author", "category").get(title=SEED_TITLE)


@pytest.fixture
def demo_accounts(seeded):
    """The demo accounts (editor, author, moderator), each signing in with DEMO_PASSWORD."""
    users = {}
    for user in get_user_model().objects.filter(username__in=["editor", "author", "moderator"]):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        users[user.username] = user
    return users
