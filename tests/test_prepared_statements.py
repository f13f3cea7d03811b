"""On PostgreSQL a connection prepares the queries it runs again and again, so PostgreSQL
stops planning them (DJANGO_DB_PREPARED_STATEMENTS, on by default)."""

import psycopg
import pytest
from django.db import connection

from tests.markers import needs_postgres

pytestmark = [
    needs_postgres("prepared statements are PostgreSQL's"),
    pytest.mark.skipif(
        connection.settings_dict["OPTIONS"].get("prepare_threshold") is None,
        reason="DJANGO_DB_PREPARED_STATEMENTS=0",
    ),
]


@pytest.fixture(autouse=True)
def _uncached(settings):
    settings.PAGE_CACHE_SECONDS = 0  # every visit renders the page from the database


def prepared_article_queries():
    """(statement, generic plans) of this connection's prepared reads of an article by slug."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        return [
            (statement, generic)
            for statement, generic in cursor.fetchall()
            if 'FROM "articles_publishedversion"' in statement and '"slug" = $' in statement
        ]


def test_after_a_few_visits_postgresql_runs_the_article_page_without_planning(client, seed_article):
    url = seed_article.get_absolute_url()
    for _ in range(12):
        assert client.get(url).status_code == 200
    [(_, generic_plans)] = prepared_article_queries()
    assert generic_plans > 0  # the plan made once, reused


def alter_category_name(length):
    """Change the column's type from another connection, as a deploy's migration would."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute(f"ALTER TABLE articles_category ALTER COLUMN name TYPE varchar({length})")


@pytest.mark.django_db(transaction=True)
def test_a_migration_changing_a_column_type_costs_one_503_not_a_broken_worker(client, seed_article):
    """A prepared statement whose result type changed under it fails on its connection until
    that connection closes: the page answers 503 (try again) once, and the next visit gets a
    new connection."""
    url = seed_article.get_absolute_url()
    for _ in range(6):
        assert client.get(url).status_code == 200
    assert prepared_article_queries()
    try:
        alter_category_name(101)
        refused = client.get(url)
        assert refused.status_code == 503
        assert refused["Retry-After"]
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200
    finally:
        connection.close()
        alter_category_name(100)
