from datetime import timedelta
from pathlib import Path

import hypothesis
import pytest
from django.test.signals import template_rendered
from django.utils import timezone

from articles import page_cache
from articles.models import Article, Category
from articles.page_generation import watcher
from authors.models import Affiliation, Author, AuthorAffiliation
from authors.ratings import Reader, rate_author
from comments.models import Comment
from symptomdb import jinja2
from symptomdb.addresses import origin_of
from tests import factories
from tests.mailserver import LocalSmtpServer

DEMO_DIR = Path(__file__).resolve().parent.parent / "articles" / "demo"
SEED_FILE = DEMO_DIR / "heterotopic-calcifications.txt"
ROOT = Path(__file__).resolve().parent


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}

# Property-based tests: the same examples on every run (a failure in CI reproduces locally),
# no per-example deadline (the first request of a test warms caches), and function-scoped
# fixtures (the database, an article) shared by a test's examples, which reset what they change.
hypothesis.settings.register_profile(
    "symptomdb",
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
    ],
)
hypothesis.settings.load_profile("symptomdb")


@pytest.fixture(autouse=True, scope="session")
def jinja2_templates_tell_the_test_client():
    """The test client learns what a Jinja2 template rendered (``response.context``,
    ``assertTemplateUsed``), as Django's test environment makes its own templates tell it."""
    original = jinja2.Template._render

    def instrumented(template, context):
        template_rendered.send(sender=template, template=template, context=context)
        return original(template, context)

    jinja2.Template._render = instrumented
    yield
    jinja2.Template._render = original


# Browsers, servers and fresh interpreters: `make test-fast` leaves these folders out.
SLOW_FOLDERS = {"browser", "production", "validity"}


def pytest_collection_modifyitems(items):
    """Every transactional test starts with the rows that the data migrations created.

    A transactional test (the browser tests, the concurrency tests) commits, so the database is
    flushed after it. A flush loses the migrations' groups ("Authors", "Editors", "Moderators")
    and recreates content types and permissions under new ids. Serialized rollback reloads the
    database as the migrations left it before each such test. It is all of them or none: a flush
    after a test without it recreates content types that the next reload would collide with.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        if (marker and marker.kwargs.get("transaction")) or fixtures & TRANSACTIONAL_FIXTURES:
            options = {**(marker.kwargs if marker else {}), "transaction": True}
            options["serialized_rollback"] = True
            item.add_marker(pytest.mark.django_db(**options), append=False)
            item.add_marker(pytest.mark.slow)
        elif SLOW_FOLDERS & set(item.path.relative_to(ROOT).parts[:2]):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def fresh_page_memory():
    """Each test starts with no page or stamp remembered in this process: a test's rollback
    takes the database's generation numbers back, which production never sees."""
    page_cache.forget()
    yield
    # A listening connection left open would keep the test database from being dropped.
    watcher.close()


@pytest.fixture
def seed_bytes():
    return SEED_FILE.read_bytes()


@pytest.fixture
def seed_article(db, seed_bytes):
    """The seed article's working copy, imported and published through the workflow."""
    return factories.import_seed(seed_bytes)


@pytest.fixture
def author(db):
    author = Author.objects.create(name="Ada Byline", slug="ada-byline", credentials="MD")
    place = Affiliation.objects.create(name="General Clinic", city="Leeds", region="West Yorks")
    AuthorAffiliation.objects.create(author=author, affiliation=place, is_primary=True)
    return author


@pytest.fixture
def category(db):
    return Category.objects.get_or_create(
        slug="symptom-database", defaults={"name": "Symptom Database"}
    )[0]


@pytest.fixture
def make_article(db, author, category):
    """An article with ``sections`` sections of one paragraph and one two-item list.

    ``extra_sections`` appends (heading, Markdown body, kind) sections. Published through the
    workflow unless ``published=False`` (a draft); ``live_from`` in the past publishes as of
    then, in the future schedules it; ``reviewer`` and ``reviewed_on`` describe the sign-off.
    """
    counter = iter(range(1, 10_000))

    def make(
        *,
        sections=3,
        extra_sections=(),
        published=True,
        live_from=None,
        reviewer=None,
        reviewed_on=None,
        **fields,
    ):
        article = factories.article_with_sections(
            author=fields.pop("author", author),
            category=fields.pop("category", category),
            number=next(counter),
            sections=sections,
            **fields,
        )
        for heading, body, kind in extra_sections:
            factories.add_section(article, heading, body, kind)
        if published:
            factories.publish(article, reviewer=reviewer, reviewed_on=reviewed_on, at=live_from)
        return article

    return make


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that the site sends through; tasks retry at once."""
    server = LocalSmtpServer().start()
    settings.MAILERS = server.mailer_settings()
    settings.EMAIL_RETRY_BASE_SECONDS = 0
    yield server
    server.stop()


@pytest.fixture
def run_tasks(db):
    """Run the due background tasks now, as a worker would."""
    return factories.run_tasks


@pytest.fixture
def make_comment(db):
    """``make_comment(article, status=..., **fields)``: a comment stored as it stands, with the
    article's comment counts brought up to date, as every flow that changes comments does."""
    counter = iter(range(1, 100_000))

    def make(article, *, status=Comment.Status.APPROVED, **fields):
        number = next(counter)
        fields.setdefault("name", f"Reader {number}")
        fields.setdefault("email", f"reader{number}@example.com")
        fields.setdefault("body", f"Comment number {number}.")
        comment = Comment.objects.create(article=article, status=status, **fields)
        Article.objects.filter(pk=comment.article_id).comments_changed()
        return comment

    return make


@pytest.fixture
def rate(db):
    """``rate(author, score, n)``: long-standing reader number ``n`` (own token and network)
    rates ``author``, ``n`` hours ago: a rating that counts at once."""
    now = timezone.now()

    def rate(author, score, n):
        return rate_author(
            author,
            score,
            reader=Reader(token=f"test-reader-{n:06d}", since=now - timedelta(days=400)),
            origin=origin_of(f"10.{n // 250}.{n % 250}.1"),
            now=now - timedelta(hours=n + 1),
        )

    return rate


@pytest.fixture
def rate_many(rate):
    """``rate_many(author, {5: 3, 4: 1})``: that many readers give each score."""

    def rate_many(author, counts, start=0):
        n = start
        for score, number in counts.items():
            for _ in range(number):
                rate(author, score, n)
                n += 1
        return n

    return rate_many


@pytest.fixture
def editor_user(db):
    """An account in the Editors group (Edna)."""
    return factories.staff_user("edna", "Editors", email="edna@example.org")


@pytest.fixture
def editor_client(editor_user):
    """A browser signed in as ``editor_user``."""
    return factories.signed_in_client(editor_user)
