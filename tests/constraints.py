"""Proving a database constraint: force a row past the model's validation and expect the
database itself to refuse it."""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction


@contextmanager
def refused_by(constraint):
    """The block's write fails, on ``constraint`` where the database names it (PostgreSQL)."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    if connection.vendor == "postgresql":
        assert constraint in str(error.value)


def rule(constraint, *values):
    """A parametrize case named for the constraint it proves."""
    return pytest.param(constraint, *values, id=constraint)
