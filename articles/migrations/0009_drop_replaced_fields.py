"""Published versions, revisions and the workflow log: drop what they replace (step 3 of 3).

The working copy no longer carries rendered HTML, publication dates, the review sign-off or the
search index: published versions do. The change log, the section terms and the
django-simple-history tables are replaced by version data, version terms and revisions.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_fill_published_versions"),
    ]

    operations = [
        migrations.DeleteModel(
            name="ArticleDueForReview",
        ),
        migrations.CreateModel(
            name="ArticleDueForReview",
            fields=[],
            options={
                "verbose_name": "article due for review",
                "verbose_name_plural": "articles due for review",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("articles.publishedversion",),
        ),
        migrations.RemoveField(
            model_name="changelogentry",
            name="article",
        ),
        migrations.RemoveField(
            model_name="changelogentry",
            name="created_by",
        ),
        migrations.RemoveField(
            model_name="historicalarticle",
            name="author",
        ),
        migrations.RemoveField(
            model_name="historicalarticle",
            name="category",
        ),
        migrations.RemoveField(
            model_name="historicalarticle",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalarticle",
            name="reviewed_by",
        ),
        migrations.RemoveField(
            model_name="historicalreference",
            name="article",
        ),
        migrations.RemoveField(
            model_name="historicalreference",
            name="history_user",
        ),
        migrations.RemoveField(
            model_name="historicalsection",
            name="article",
        ),
        migrations.RemoveField(
            model_name="historicalsection",
            name="history_user",
        ),
        migrations.RemoveIndex(
            model_name="sectionterm",
            name="section_term_slug_idx",
        ),
        migrations.RemoveConstraint(
            model_name="sectionterm",
            name="section_term_position_unique",
        ),
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["title"],
                "permissions": [
                    ("publish_article", "Can publish, unpublish and schedule articles"),
                    ("review_article", "Can record a medical review sign-off"),
                ],
            },
        ),
        migrations.RemoveConstraint(
            model_name="article",
            name="article_published_has_date",
        ),
        migrations.RemoveConstraint(
            model_name="article",
            name="article_status_valid",
        ),
        migrations.RemoveConstraint(
            model_name="article",
            name="article_reviewer_is_not_author",
        ),
        migrations.RemoveIndex(
            model_name="article",
            name="article_status_pub_idx",
        ),
        migrations.RemoveField(
            model_name="section",
            name="body_html",
        ),
        migrations.DeleteModel(
            name="ChangeLogEntry",
        ),
        migrations.DeleteModel(
            name="HistoricalArticle",
        ),
        migrations.DeleteModel(
            name="HistoricalReference",
        ),
        migrations.DeleteModel(
            name="HistoricalSection",
        ),
        migrations.RemoveField(
            model_name="sectionterm",
            name="section",
        ),
        migrations.RemoveField(
            model_name="article",
            name="conclusion_html",
        ),
        migrations.RemoveField(
            model_name="article",
            name="intro_html",
        ),
        migrations.RemoveField(
            model_name="article",
            name="last_reviewed",
        ),
        migrations.RemoveField(
            model_name="article",
            name="published_at",
        ),
        migrations.RemoveField(
            model_name="article",
            name="reviewed_by",
        ),
        migrations.RemoveField(
            model_name="article",
            name="reviewed_fingerprint",
        ),
        migrations.RemoveField(
            model_name="article",
            name="search_text",
        ),
        migrations.RemoveField(
            model_name="article",
            name="search_vector",
        ),
        migrations.DeleteModel(
            name="SectionTerm",
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "in_review"])),
                name="article_status_valid",
            ),
        ),
    ]
