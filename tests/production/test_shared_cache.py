"""Two gunicorn workers sharing Redis and PostgreSQL serve one site: a change made anywhere shows
on every worker at once, and the shared page cache never hands a reader another's tokens."""

import os
import re
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from articles.models import Section
from comments import moderation
from comments.models import Comment
from tests.factories import publish, staff_user
from tests.mailserver import free_port
from tests.markers import needs_postgres
from tests.stack import database_url, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_postgres("several server processes need a database server"),
]


@pytest.fixture
def server():
    """gunicorn with two workers on the test database and the Redis cache."""
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "symptomdb.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_CACHE_PREFIX": f"test-{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--config", "symptomdb/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_answering(base + "/healthz", seconds=30)
    yield base
    process.terminate()
    process.wait(timeout=20)


def fetch_many(url, times=12):
    """The page from several requests (the two workers take turns), as readers get it."""
    pages = []
    for _ in range(times):
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
            pages.append(response.read().decode())
    return pages


def test_a_publication_and_an_approval_show_on_every_worker_at_once(server, make_article):
    article = make_article(title="What do two workers show?")
    url = server + article.get_absolute_url()
    before = fetch_many(url)
    assert all("Paragraph 1." in page for page in before)

    Section.objects.filter(article=article, position=1).update(body="A reviewed new wording.")
    publish(article, note="Reworded")
    after = fetch_many(url)
    assert all("A reviewed new wording." in page for page in after)
    assert all("Reworded" in page for page in after)

    comment = Comment.objects.create(
        article=article, name="Reader", email="r@example.org", body="Seen by all workers."
    )
    moderation.approve(comment, by=staff_user("mo", "Moderators"))
    assert all("Seen by all workers." in page for page in fetch_many(url))
    home = fetch_many(server + "/", times=4)
    assert all("What do two workers show?" in page for page in home)


def test_each_reader_gets_their_own_tokens_from_the_shared_cache(server, make_article):
    article = make_article()
    url = server + article.get_absolute_url()
    pages = fetch_many(url, times=6)
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1) for page in pages
    ]
    assert len(set(tokens)) == len(tokens)
    assert not any("__SDB" in page for page in pages)
