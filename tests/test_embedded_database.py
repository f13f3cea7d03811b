"""The embedded default, SQLite, serves the site and its background worker at once: two
writers at the same moment both get their turn, and nothing either wrote is lost."""

import json

import pytest

from tests.processes import run_python

pytestmark = pytest.mark.slow

# Two transactions that each read and then write, interleaved as a page and the worker can:
# the first reads, the second starts and reads, then both write. With SQLite's default
# (deferred) transactions the second is refused at once ("database is locked") because
# waiting could deadlock; taking the write lock when a transaction begins makes it wait.
CODE = """
import json, threading, time, django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
from articles.models import Category
call_command("migrate", verbosity=0)
first_read = threading.Event()
second_began = threading.Event()
outcome = {}

def write(name, before=None, after=None):
    try:
        if before is not None:
            before.wait(5)
        with transaction.atomic():
            if after is not None:
                after.set()
            Category.objects.count()
            if name == "first":
                first_read.set()
                second_began.wait(1)
                time.sleep(0.2)
            Category.objects.create(name=name, slug=name)
        outcome[name] = "saved"
    except Exception as error:
        outcome[name] = repr(error)
    finally:
        connection.close()

threads = [
    threading.Thread(target=write, args=("first",)),
    threading.Thread(target=write, args=("second", first_read, second_began)),
]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
mode = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
saved = sorted(Category.objects.values_list("slug", flat=True))
print(json.dumps({"outcome": outcome, "saved": saved, "journal": mode}))
"""


def test_two_writers_at_once_on_sqlite_both_save(tmp_path):
    result = run_python(CODE, DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["outcome"] == {"first": "saved", "second": "saved"}
    assert data["saved"] == ["first", "second"]
    # Readers go on while a writer writes, and a commit syncs one file.
    assert data["journal"] == "wal"
