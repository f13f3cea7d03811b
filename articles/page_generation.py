"""The database triggers behind ``PageGeneration``: a number per watched table that changes in
the same transaction as any write to it (``articles.page_cache`` keeps stamps while the numbers
stand). On PostgreSQL the trigger also notifies ``NOTIFY_CHANNEL`` when the transaction commits,
and ``GenerationWatcher`` lets a process know the numbers without asking while none came.

``ensure_triggers`` is idempotent. It runs after every ``migrate`` (``ArticlesConfig``), because
SQLite rebuilds a table to alter it and a rebuilt table has lost its triggers; a missing trigger
would let a page stay stale.
"""

import contextlib
import logging
import os
import select
import threading
import time

import psycopg
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# Tables whose rows (or this column of them) the page cache's stamps read.
WATCHED = {
    "articles_publishedversion": None,
    "articles_article": "comments_changed_at",
    "articles_category": None,
    "articles_relatedarticle": None,
    "authors_author": None,
    "articles_synonym": None,
    # Bylines show the author's primary place: a renamed place or a new primary one.
    "authors_affiliation": None,
    "authors_authoraffiliation": None,
}

# The channel the trigger function notifies. NOTIFY is delivered when the transaction commits
# (never if it rolls back), once however many statements sent it.
NOTIFY_CHANNEL = "symptomdb_page_generation"
# After a failed attempt to listen, pages read the numbers for this long before the next
# attempt: a database that does not answer must not cost every request a connection attempt.
LISTEN_RETRY_SECONDS = 5

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION articles_page_generation_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_pagegeneration ("table", value)
    VALUES (TG_TABLE_NAME, floor(random() * 1e15)::bigint)
    ON CONFLICT ("table") DO UPDATE SET value = articles_pagegeneration.value + 1;
    PERFORM pg_notify('{NOTIFY_CHANNEL}', '');
    RETURN NULL;
END $$;
"""  # noqa: S608 - NOTIFY_CHANNEL is this module's constant

# A lost row comes back at a random number, so it never repeats one a process remembers.
SQLITE_BUMP = """
INSERT INTO articles_pagegeneration ("table", value)
VALUES ('{table}', abs(random() % 1000000000000000))
ON CONFLICT ("table") DO UPDATE SET value = articles_pagegeneration.value + 1;
"""


def _sqlite_events(column):
    return [f"UPDATE OF {column}"] if column else ["INSERT", "UPDATE", "DELETE"]


def trigger_statements(vendor, tables=None):
    """The SQL that (re)creates the triggers of ``tables`` (default: every watched table) on
    ``vendor``, dropping any old one first."""
    watched = {
        table: column for table, column in WATCHED.items() if tables is None or table in tables
    }
    if vendor == "postgresql":
        statements = [POSTGRES_FUNCTION]
        for table, column in watched.items():
            events = f"UPDATE OF {column}" if column else "INSERT OR UPDATE OR DELETE OR TRUNCATE"
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_page_generation ON {table}",
                f"CREATE TRIGGER {table}_page_generation AFTER {events} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION articles_page_generation_bump()",
            ]
        return statements
    if vendor == "sqlite":
        statements = []
        for table, column in watched.items():
            for event in _sqlite_events(column):
                name = f"{table}_page_generation_{event.split()[0].lower()}"
                statements += [
                    f"DROP TRIGGER IF EXISTS {name}",
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
                    f"{SQLITE_BUMP.format(table=table)} END",
                ]
        return statements
    raise NotImplementedError(f"page generation triggers for {vendor}")


def existing_watched_tables(connection):
    """The watched tables the database has: fewer while migrated back to an older state."""
    return set(WATCHED) & set(connection.introspection.table_names())


def ensure_triggers(connection):
    tables = existing_watched_tables(connection)
    with connection.cursor() as cursor:
        for statement in trigger_statements(connection.vendor, tables):
            cursor.execute(statement)


def missing_triggers(connection):
    """The watched tables without their trigger (empty when all is well)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE %s",
                ["%_page_generation"],
            )
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                ["%_page_generation_%"],
            )
        present = {row[0] for row in cursor.fetchall()}
    # A table not created yet is a migration not applied, which readiness reports itself.
    return sorted(existing_watched_tables(connection) - present)


class GenerationWatcher:
    """This process's knowledge of the generation numbers on PostgreSQL, kept without a query.

    A connection of its own LISTENs on ``NOTIFY_CHANNEL``; the numbers read after it listened
    hold until a notification arrives (a write committed anywhere), ``forget()`` is called (this
    process served a request through a view, which may have written), or
    ``PAGE_GENERATION_RECHECK_SECONDS`` pass: a bound on staleness should notifications stop
    coming unnoticed (a half-open connection, a pooler that does not pass them on, triggers
    from before a migrate). Any error drops the connection: the caller reads the numbers
    itself, and listening is tried again ``LISTEN_RETRY_SECONDS`` later.

    The lock guards only this object's state; reads of the numbers happen outside it, and one
    is kept only if nothing made the numbers uncertain meanwhile (``epoch``).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.listener = None
        self.pid = None
        self.known = None
        self.read_at = 0.0
        self.epoch = 0
        self.retry_at = 0.0  # when to try listening again after a failure

    def numbers(self, read):
        """The generation numbers: remembered, or ``read()`` (one query) and remembered."""
        with self.lock:
            known, epoch = self._check()
        if known is not None:
            return known
        fresh = read()
        if epoch is not None:
            with self.lock:
                if self.epoch == epoch:
                    self.known, self.read_at = fresh, time.monotonic()
        return fresh

    def forget(self):
        with self.lock:
            self._uncertain()

    def close(self):
        """Drop the listening connection (the next call listens again)."""
        with self.lock:
            self._drop()

    def _check(self):
        """(the numbers if they still hold, else None; the epoch a fresh read may be kept
        under, or None when it may not: not listening)."""
        if self.listener is None and time.monotonic() < self.retry_at:
            return None, None
        # Listening only saves queries: whatever goes wrong, the page reads the numbers.
        try:
            self._listen()
        except Exception:
            logger.warning("Cannot listen for page changes; pages read them", exc_info=True)
            self._drop()
            self.retry_at = time.monotonic() + LISTEN_RETRY_SECONDS
            return None, None
        try:
            if self._notified():
                self._uncertain()
        except Exception:
            logger.warning("Lost the connection listening for page changes", exc_info=True)
            self._drop()
            return None, None
        if (
            self.known is not None
            and time.monotonic() - self.read_at > settings.PAGE_GENERATION_RECHECK_SECONDS
        ):
            self._uncertain()
        return self.known, self.epoch

    def _uncertain(self):
        self.known = None
        self.epoch += 1

    def _listen(self):
        if self.listener is not None and self.pid == os.getpid():
            return
        # After a fork the parent's connection is not this process's to use.
        self.listener, self.pid = None, os.getpid()
        self._uncertain()
        params = {
            **connection.get_connection_params(),
            "autocommit": True,
            "application_name": "symptomdb page cache listener",
            # A connection that died without a word (a NAT or load balancer dropped it) is
            # noticed within a minute; meanwhile the recheck bounds how stale pages get.
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        }
        params.setdefault("connect_timeout", 2)
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.listener = psycopg.connect(**params)
        self.listener.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def _notified(self):
        """Whether a notification arrived since the last call: reads what the socket holds,
        without waiting, until it holds nothing more (a connection the server closed raises
        on the read that meets its end)."""
        pgconn = self.listener.pgconn
        waiting = select.poll()
        waiting.register(pgconn.socket, select.POLLIN)
        arrived = False
        while True:
            pgconn.consume_input()
            if pgconn.status != psycopg.pq.ConnStatus.OK:
                raise psycopg.OperationalError("the listening connection was lost")
            while pgconn.notifies() is not None:
                arrived = True
            if not waiting.poll(0):
                return arrived

    def _drop(self):
        listener, self.listener = self.listener, None
        self._uncertain()
        if listener is not None and self.pid == os.getpid():
            with contextlib.suppress(Exception):
                listener.close()


watcher = GenerationWatcher()
