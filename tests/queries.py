"""Counting the SQL queries a page runs: every public page must run a fixed number."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url):
    """GET ``url``, assert a 200, and return (number of SQL queries, page text)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()
