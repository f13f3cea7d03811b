"""The seed article's weight as a first visit downloads it in production: the HTML at most
20 KiB, everything together at most 40 KiB compressed, all from our own host, scripts
deferred, and fingerprinted static files cached for a year."""

import gzip
import json
import re

from tests.processes import run_python

# The seed article measured 20,269 bytes when this was set (2026-11-30).
HTML_BUDGET = 20 * 1024
FIRST_VISIT_BUDGET = 40 * 1024

CODE = """
import json, django; django.setup()
from django.core.management import call_command
from django.test import Client
from io import StringIO
for command in ("migrate", "load_demo_content", "create_demo_accounts", "load_demo_reviews"):
    call_command(command, stdout=StringIO())
call_command("collectstatic", interactive=False, verbosity=0)
from articles.models import PublishedVersion
url = PublishedVersion.objects.live().get(slug__startswith="what-are-the-causes").get_absolute_url()
client = Client()
client.get(url)  # renders and stores the page every reader shares
page = Client().get(url)
out = {"html": page.content.decode(), "statics": {}}
for path in set(__import__("re").findall(r'(?:href|src)="(/static/[^"]+)"', out["html"])):
    response = Client().get(path, headers={"Accept-Encoding": "gzip"})
    out["statics"][path] = [
        response.status_code,
        response.headers.get("Cache-Control", ""),
        response.headers.get("Content-Encoding", ""),
        len(b"".join(response.streaming_content)),
    ]
print(json.dumps(out))
"""


def test_the_seed_article_page_fits_the_first_visit_budget(tmp_path):
    result = run_python(
        CODE,
        DJANGO_DEBUG="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_STATIC_MANIFEST="1",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'weight.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    html = data["html"].encode()
    assert len(html) <= HTML_BUDGET, f"the page's HTML is {len(html)} bytes"

    # Every file the page loads is ours, fingerprinted, compressed and cached for a year.
    assert not re.findall(r'(?:href|src)="(?:https?:)?//', data["html"].split("<body", 1)[1])
    total = len(gzip.compress(html))
    for path, (status, cache_control, encoding, size) in data["statics"].items():
        assert status == 200, path
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", path), path
        assert "max-age=315360000" in cache_control or "immutable" in cache_control, path
        assert encoding == "gzip", path
        total += size
    assert data["statics"], "the page loads its stylesheet"
    assert total <= FIRST_VISIT_BUDGET, f"a first visit downloads {total} bytes"

    # No script blocks rendering: each is deferred (or JSON data).
    for tag in re.findall(r"<script\b[^>]*>", data["html"]):
        assert "defer" in tag or 'type="application/ld+json"' in tag, tag
