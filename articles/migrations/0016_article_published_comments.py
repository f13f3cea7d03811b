"""Each article keeps the number of comments readers see, counted again with every change."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_published(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("comments", "Comment")
    published = (
        Comment.objects.filter(status="approved", withdrawn_at__isnull=True, article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(number=Count("pk"))
        .values("number")
    )
    Article.objects.update(published_comments=Coalesce(Subquery(published), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_search_tiers"),
        ("comments", "0004_reports_edits_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="published_comments",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Approved comments readers see, not withdrawn.",
            ),
        ),
        migrations.RunPython(count_published, migrations.RunPython.noop),
        # Lists show comment counts: their stamp reads the last change of any article's.
        migrations.AlterField(
            model_name="article",
            name="comments_changed_at",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="When the comments readers see last changed (pages cached before are "
                "stale).",
                null=True,
            ),
        ),
    ]
