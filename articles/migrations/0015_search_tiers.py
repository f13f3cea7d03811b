"""Search lists head matches (title, condition, intro) ranked, then the other matches: a GIN
index on the head vector finds the first without reading every article. The slug already has
the index its field declares."""

from django.db import migrations

HEAD_INDEX = "version_head_vector_gin"


def create_head_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {HEAD_INDEX} ON articles_publishedversion USING gin (head_vector)"
        )


def drop_head_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {HEAD_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_page_generation"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="publishedversion", name="version_slug_idx"),
        migrations.RunPython(create_head_index, drop_head_index),
    ]
