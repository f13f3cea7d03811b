import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models import Value

from articles.search import config, plain_text

GIN_INDEX = "article_search_vector_gin"


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON articles_article USING gin (search_vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


def fill_search_index(apps, schema_editor):
    """Index the articles that exist already; later saves keep the index current."""
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    postgres = schema_editor.connection.vendor == "postgresql"
    for article in Article.objects.using(schema_editor.connection.alias).iterator():
        sections = " ".join(
            f"{heading}. {plain_text(body_html)}"
            for heading, body_html in Section.objects.filter(article=article)
            .order_by("position")
            .values_list("heading", "body_html")
        )
        intro, conclusion = plain_text(article.intro_html), plain_text(article.conclusion_html)
        fields = {"search_text": " ".join(p for p in (intro, sections, conclusion) if p)}
        if postgres:
            fields["search_vector"] = (
                SearchVector("title", "condition", weight="A", config=config())
                + SearchVector(Value(intro), weight="B", config=config())
                + SearchVector(Value(sections), weight="C", config=config())
                + SearchVector(Value(conclusion), weight="D", config=config())
            )
        Article.objects.filter(pk=article.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="condition",
            field=models.CharField(
                blank=True,
                help_text='The condition the article is about, e.g. "Heterotopic calcifications". The A-Z index and structured data use it; when empty they use the title.',
                max_length=120,
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        # A GIN index on PostgreSQL only; SQLite searches without the vector.
        migrations.RunPython(create_gin_index, drop_gin_index, elidable=False),
        migrations.RunPython(fill_search_index, migrations.RunPython.noop),
    ]
