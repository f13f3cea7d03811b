from pathlib import Path

import pytest
from django.utils import timezone

from articles.importer import import_article, parse_article
from articles.models import Article, Category, Section
from authors.models import Affiliation, Author, AuthorAffiliation

DEMO_DIR = Path(__file__).resolve().parent.parent / "articles" / "demo"
SEED_FILE = DEMO_DIR / "heterotopic-calcifications.txt"


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


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


@pytest.fixture
def seed_bytes():
    return SEED_FILE.read_bytes()


@pytest.fixture
def seed_article(db, seed_bytes):
    """The seed article, imported and published."""
    return import_article(parse_article(seed_bytes), publish=True).article


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
    """Build an article with ``sections`` sections of one paragraph and one two-item list."""
    counter = iter(range(1, 10_000))

    def make(*, sections=3, status=Article.Status.PUBLISHED, title=None, **fields):
        number = next(counter)
        if status == Article.Status.PUBLISHED:
            fields.setdefault("published_at", timezone.now())
        article = Article.objects.create(
            title=title or f"What is condition {number}?",
            slug=f"condition-{number}",
            category=fields.pop("category", category),
            author=fields.pop("author", author),
            intro=f"Intro of condition {number}.",
            status=status,
            **fields,
        )
        for position in range(1, sections + 1):
            Section.objects.create(
                article=article,
                position=position,
                heading=f"Heading {position}",
                anchor=f"heading-{position}",
                body=f"Paragraph {position}.\n\n- **Term {position}:** first\n- second",
            )
        return article

    return make
