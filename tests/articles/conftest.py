import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Section


@pytest.fixture
def count_queries(client):
    """GET ``url`` with the client, assert a 200 and return the number of SQL queries run."""

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    return count


@pytest.fixture
def add_section(db):
    """Append a section with ``body`` (Markdown) and ``kind`` to an article."""

    def add(article, heading, body, kind=Section.Kind.OTHER):
        position = article.sections.count() + 1
        return Section.objects.create(
            article=article,
            position=position,
            heading=heading,
            anchor=f"section-{position}",
            kind=kind,
            body=body,
        )

    return add


@pytest.fixture
def draft(make_article):
    return make_article(status=Article.Status.DRAFT, title="What is a hidden draft condition?")
