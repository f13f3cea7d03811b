"""Every public page is valid HTML: the Nu Html Checker (vnu, the W3C's validator) finds no
error in the pages as readers get them, with demo content, comments, replies and urgent advice.

The checker is the `vnu-jar` npm package run by Java; `make test` installs it into .venv/vnu
when npm is present, and .ci/run installs Java and npm when missing. Like the browser tests, the
test is skipped without them only outside CI (BROWSER_TESTS_REQUIRED=1 turns that into a
failure).
"""

import json
import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article
from comments import moderation
from comments.models import Comment
from tests.factories import staff_user

ROOT = Path(__file__).resolve().parent.parent.parent
VNU_JAR = Path(
    os.environ.get("VNU_JAR", ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
)

pytestmark = pytest.mark.django_db


def checker():
    missing = []
    if shutil.which("java") is None:
        missing.append("Java (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"vnu.jar at {VNU_JAR} (npm install --prefix .venv/vnu vnu-jar)")
    if missing:
        message = "The HTML checker needs " + " and ".join(missing)
        if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return ["java", "-Xss1024k", "-jar", str(VNU_JAR)]


@pytest.fixture
def site(db):
    """The demo site as `make run` fills it, with a comment thread on the seed article."""
    for command in ("load_demo_content", "create_demo_accounts", "load_demo_reviews"):
        call_command(command, stdout=StringIO())
    article = Article.objects.get(title__startswith="What are the causes")
    moderator = staff_user("html-moderator", "Moderators")
    question = Comment.objects.create(
        article=article, name="Rita", email="rita@example.com", body="Does it come back?\n\nThanks."
    )
    moderation.approve(question, by=moderator)
    reply = Comment.objects.create(
        article=article, parent=question, name="Sam", email="sam@example.com", body="Mine did."
    )
    moderation.approve(reply, by=moderator)
    return article


def public_pages(article):
    migraine = Article.objects.get(title__startswith="Why do migraines")
    author = article.author
    return {
        "home": "/",
        "a-z": "/articles/",
        "a-z-letter": "/articles/?letter=H",
        "article": article.get_absolute_url(),
        "article-urgent": migraine.get_absolute_url(),
        "category": article.category.get_absolute_url(),
        "search": "/search/?q=calcium",
        "search-empty": "/search/?q=zzzz",
        "search-none": "/search/",
        "symptoms": "/symptoms/",
        "causes": "/causes/",
        "treatments": "/treatments/",
        "symptom": "/symptoms/joint-stiffness/",
        "authors": "/authors/",
        "authors-by-rating": "/authors/?sort=rating",
        "author": author.get_absolute_url(),
        "not-found": "/articles/no-such-article/",
        "bad-request": "/search/?q=a&q=b",
    }


def test_every_public_page_is_valid_html(site, tmp_path):
    command = checker()
    client = Client()
    for name, url in public_pages(site).items():
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), url
        (tmp_path / f"{name}.html").write_bytes(response.content)
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, "\n".join(errors)


def test_the_site_has_its_icons_and_links_its_feeds_and_indexes(site):
    client = Client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    touch = client.get("/apple-touch-icon.png")
    assert touch.status_code == 200
    assert touch["Content-Type"] == "image/png"
    home = client.get("/").content.decode()
    for label, url in [("Causes", "/causes/"), ("Treatments", "/treatments/")]:
        assert f'<a href="{url}">{label}</a>' in home
    assert '<link rel="icon" href="/favicon.ico"' in home
    feed_link = '<a href="/feeds/latest/">Follow new articles with the RSS feed</a>'
    assert feed_link in home
    assert feed_link in client.get(site.category.get_absolute_url()).content.decode()
    author_page = client.get(site.author.get_absolute_url()).content.decode()
    assert f'<a href="/authors/{site.author.slug}/feed/">' in author_page
