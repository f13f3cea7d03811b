"""A small search vector of title, condition and intro to rank matches (PostgreSQL)."""

import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import Value

from articles.search import config, plain_text


def fill_head_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    PublishedVersion = apps.get_model("articles", "PublishedVersion")
    alias = schema_editor.connection.alias
    rows = PublishedVersion.objects.using(alias).values_list("pk", "intro_html").iterator()
    for pk, intro_html in rows:
        PublishedVersion.objects.using(alias).filter(pk=pk).update(
            head_vector=SearchVector("title", "condition", weight="A", config=config())
            + SearchVector(Value(plain_text(intro_html)), weight="B", config=config())
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_related_articles"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedversion",
            name="head_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.RunPython(fill_head_vectors, migrations.RunPython.noop),
    ]
