"""Numbers that change with every write to the tables behind the public pages' cache stamps.

A trigger per table moves its number in the writing transaction. A lost row (a test database
flushed) comes back at a random number, so it never repeats one a process remembers.
"""

from django.db import migrations, models

# Tables whose rows (or these columns of them) the page cache's stamps read. The same SQL
# lives in articles/page_generation.py, which recreates the triggers after every migrate.
WATCHED = {
    "articles_publishedversion": None,
    "articles_article": "comments_changed_at",
    "articles_category": None,
    "articles_relatedarticle": None,
    "authors_author": None,
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

SQLITE_BUMP = """
INSERT INTO articles_pagegeneration ("table", value) VALUES ('{table}', abs(random() % 1000000000000000))
ON CONFLICT ("table") DO UPDATE SET value = articles_pagegeneration.value + 1;
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
    for table, column in WATCHED.items():
        if vendor == "postgresql":
            events = f"UPDATE OF {column}" if column else "INSERT OR UPDATE OR DELETE OR TRUNCATE"
            schema_editor.execute(
                f"CREATE TRIGGER {table}_page_generation AFTER {events} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION articles_page_generation_bump()"
            )
        elif vendor == "sqlite":
            events = [f"UPDATE OF {column}"] if column else ["INSERT", "UPDATE", "DELETE"]
            for event in events:
                name = f"{table}_page_generation_{event.split()[0].lower()}"
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
                    f"{SQLITE_BUMP.format(table=table)} END"
                )
        else:
            raise NotImplementedError(f"page generation triggers for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, column in WATCHED.items():
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_page_generation ON {table}")
        else:
            for event in ["update"] if column else ["insert", "update", "delete"]:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_page_generation_{event}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS articles_page_generation_bump()")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_search_head"),
        ("authors", "0004_page_stamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageGeneration",
            fields=[
                ("table", models.CharField(max_length=63, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
