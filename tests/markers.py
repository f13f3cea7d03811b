"""Markers shared by the test modules."""

import pytest
from django.db import connection


def needs_postgres(why):
    """Run only on PostgreSQL: SQLite serialises writes in one process, so a test of
    concurrent writers (threads or processes) could not fail there. CI's PostgreSQL pass runs
    it."""
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason=f"{why} (the PostgreSQL pass runs this)"
    )
