"""Helpers for browser journeys: named steps, sign-in, keyboard focus, axe-core, screenshots."""

import re
from contextlib import contextmanager
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent / "artifacts"
# axe-core 4.14.1: the npm package's axe.min.js, unchanged (MPL-2.0, see vendor/LICENSE).
AXE_SOURCE = (HERE / "vendor" / "axe.min.js").read_text(encoding="utf-8")
# A missing button fails a journey in seconds, not after Playwright's default 30 s, with room
# for a busy two-core machine.
TIMEOUT_MS = 10_000
DEMO_PASSWORD = "browser-journey-password"  # accounts on a throwaway test database
SERIOUS = ("serious", "critical")
SEED_TITLE = "What are the causes and treatment options for heterotopic calcifications?"
# site.css: ":focus-visible { outline: 3px solid #f0a500 }".
FOCUS_OUTLINE = {"style": "solid", "width": "3px", "color": "rgb(240, 165, 0)"}
MAX_TABS = 40

expect.set_options(timeout=TIMEOUT_MS)


@contextmanager
def step(name):
    """Name a journey step: a failure inside it says which step broke."""
    try:
        yield
    except Exception as error:
        raise AssertionError(f"Journey step failed: {name}\n{error}") from error


def login(page, username, password=DEMO_PASSWORD):
    """Sign in through the admin's login form, as a person would.

    The page's context has the live server's URL as its ``base_url`` (``new_page`` in
    conftest.py), so the path from ``reverse`` is opened on the live server, wherever
    ``DJANGO_ADMIN_URL`` mounts the admin.
    """
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text(username, ignore_case=True)


def focus_outline(locator):
    """The computed outline of an element: what a keyboard user sees around the focus."""
    return locator.evaluate(
        """element => {
            const style = getComputedStyle(element);
            return {
                style: style.outlineStyle, width: style.outlineWidth, color: style.outlineColor
            };
        }"""
    )


def is_focused(locator):
    """Whether the element has the keyboard focus."""
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator):
    """Press Tab until ``locator`` has the focus (at most MAX_TABS times)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {locator}")


def axe_violations(page, *, impacts=None):
    """Run axe-core on the page and return its violations (only those of ``impacts``, if given).

    axe is evaluated through the DevTools protocol, so the page's Content-Security-Policy does
    not have to allow it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    if impacts is not None:
        violations = [violation for violation in violations if violation["impact"] in impacts]
    return violations


def describe(violations):
    """One readable block per violation: rule, impact, help and the offending elements."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}: {node['html'][:200]}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_accessible(page, *, impacts=None):
    """Fail with a readable list when axe-core finds violations (of ``impacts``, if given)."""
    violations = axe_violations(page, impacts=impacts)
    assert violations == [], f"axe-core violations on {page.url}:\n{describe(violations)}"


def artifact_name(name):
    """A file name made of ``name``, safe on any file system and in a glob pattern."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name)


def screenshot(page, name):
    """Write a full-page PNG to tests/artifacts/NAME.png for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{artifact_name(name)}.png"
    page.screenshot(path=path, full_page=True)
    return path
