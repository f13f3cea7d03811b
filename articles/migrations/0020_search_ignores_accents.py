"""Search ignores accents on PostgreSQL: a text search configuration, "symptomdb_english", that
passes each word through unaccent before English stemming, and every live version's vectors
rebuilt with it (from the stored fields, with the same rule as articles.search.index_version).

Creating the unaccent extension needs a role that may create extensions the first time, as the
README says."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

from articles.search import text_parts, vectors

CONFIGURATION = "symptomdb_english"


def create_configuration(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TEXT SEARCH CONFIGURATION {CONFIGURATION} (COPY = pg_catalog.english);"
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIGURATION} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem"
    )


def drop_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIGURATION}")


def reindex(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    PublishedVersion = apps.get_model("articles", "PublishedVersion")
    rows = PublishedVersion.objects.values_list("pk", "intro_html", "sections", "conclusion_html")
    for pk, intro_html, sections, conclusion_html in rows.iterator(chunk_size=500):
        PublishedVersion.objects.filter(pk=pk).update(
            **vectors(*text_parts(intro_html, sections, conclusion_html))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_search_synonyms"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(create_configuration, drop_configuration),
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
