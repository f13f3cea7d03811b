"""Content-Security-Policy on every page, the admin included, and no inline script, event
handler or style attribute in any template or rendered page."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']application/ld\+json[\"'])[^>]*>",
    re.IGNORECASE,
)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def inline_code(html):
    """Every inline script, event handler, style attribute or style element in ``html``."""
    found = []
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("on* handler", EVENT_HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
    ]:
        found += [f"{name}: {match.group(0)[:80]}" for match in pattern.finditer(html)]
    return found


def test_the_scanner_finds_each_kind_of_inline_code():
    html = (
        '<script>alert(1)</script><a href="#" onclick="go()">x</a>'
        '<p style="color:red">y</p><style>p{}</style>'
        '<script type="application/ld+json">{}</script><script src="/s.js" defer></script>'
    )
    assert len(inline_code(html)) == 4


def test_no_template_has_inline_script_event_handler_or_style():
    templates = sorted(TEMPLATES_DIR.rglob("*.html"))
    assert len(templates) > 10
    offenders = {
        str(path.relative_to(TEMPLATES_DIR)): found
        for path in templates
        if (found := inline_code(path.read_text()))
    }
    assert offenders == {}


@pytest.fixture
def public_pages(seed_article):
    return [
        reverse("articles:home"),
        seed_article.get_absolute_url(),
        seed_article.category.get_absolute_url(),
        seed_article.author.get_absolute_url(),
        "/no-such-page/",
    ]


def assert_strict_csp(response):
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_public_pages_send_a_strict_csp_and_render_no_inline_code(client, public_pages):
    for url in public_pages:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert_strict_csp(response)
        assert inline_code(response.content.decode()) == [], url
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_admin_login_and_change_pages_work_under_the_csp(client, superuser, seed_article):
    login = client.get(reverse("admin:login"))
    assert login.status_code == 200
    assert_strict_csp(login)
    assert inline_code(login.content.decode()) == []

    client.force_login(superuser)
    pages = [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[seed_article.pk]),
        reverse("admin:articles_article_add"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)
        assert inline_code(response.content.decode()) == [], url


@pytest.mark.urls("tests.production.csp_urls")
def test_a_page_that_uses_the_nonce_names_it_in_its_own_header(client):
    nonces = []
    for _ in range(2):
        response = client.get("/inline/")
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"script-src 'self' 'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
