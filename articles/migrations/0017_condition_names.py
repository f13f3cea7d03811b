"""Every article names its condition: empty names are derived from the title, headings and
intro with the importer's rule (articles/conditions.py), on working copies and live versions
alike, so the A-Z files "What are the causes ... of heterotopic calcifications?" under H."""

import re
from html import unescape

from django.db import migrations, models

from articles.conditions import alternative_names_from, condition_from


def plain(html):
    return unescape(re.sub(r"<[^>]+>", " ", html))


def fill_names(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    PublishedVersion = apps.get_model("articles", "PublishedVersion")
    for article in Article.objects.filter(condition=""):
        headings = list(article.sections.values_list("heading", flat=True))
        article.condition = condition_from(article.title, headings)
        article.alternative_names = alternative_names_from(article.intro, article.condition)
        article.save(update_fields=["condition", "alternative_names"])
    changed = []
    # The name is index metadata, not text a clinician signed off: filling it in a live
    # version is the one update this migration makes to published rows.
    for version in PublishedVersion.objects.filter(condition=""):
        headings = [section.get("heading", "") for section in version.sections]
        condition = condition_from(version.title, headings)
        PublishedVersion.objects.filter(pk=version.pk).update(
            condition=condition,
            alternative_names=alternative_names_from(plain(version.intro_html), condition),
        )
        changed.append(version.pk)
    if changed and schema_editor.connection.vendor == "postgresql":
        # The new names join the weight-A part of both search vectors.
        schema_editor.execute(
            "UPDATE articles_publishedversion SET "
            "head_vector = coalesce(head_vector, '') || setweight(to_tsvector(%s::regconfig, "
            "condition || ' ' || alternative_names), 'A'), "
            "search_vector = coalesce(search_vector, '') || setweight(to_tsvector("
            "%s::regconfig, condition || ' ' || alternative_names), 'A') WHERE id = ANY(%s)",
            # English stemming, as the vectors were built then; 0020 rebuilds them all.
            ["english"] * 2 + [changed],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_article_published_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="alternative_names",
            field=models.TextField(
                blank=True,
                help_text='Other names readers know the condition by, one per line, e.g. "Ectopic calcifications" or "Ringing in the ears": cross-references in the A-Z index, alternate names in structured data, and found by search.',
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="alternative_names",
            field=models.TextField(blank=True, help_text="One per line."),
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
    ]
