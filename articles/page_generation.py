"""The database triggers behind ``PageGeneration``: a number per watched table that changes in
the same transaction as any write to it (``articles.page_cache`` keeps stamps while the numbers
stand).

``ensure_triggers`` is idempotent. It runs after every ``migrate`` (``ArticlesConfig``), because
SQLite rebuilds a table to alter it and a rebuilt table has lost its triggers; a missing trigger
would let a page stay stale.
"""

# Tables whose rows (or this column of them) the page cache's stamps read.
WATCHED = {
    "articles_publishedversion": None,
    "articles_article": "comments_changed_at",
    "articles_category": None,
    "articles_relatedarticle": None,
    "authors_author": None,
    "articles_synonym": None,
}

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION articles_page_generation_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_pagegeneration ("table", value)
    VALUES (TG_TABLE_NAME, floor(random() * 1e15)::bigint)
    ON CONFLICT ("table") DO UPDATE SET value = articles_pagegeneration.value + 1;
    RETURN NULL;
END $$;
"""

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
