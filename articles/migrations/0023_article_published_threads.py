from django.db import migrations, models
from django.db.models.functions import Coalesce


def count_threads(apps, schema_editor):
    """Count each article's approved top-level comments once; ``comments_changed`` keeps the
    number from then on."""
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("comments", "Comment")
    threads = (
        Comment.objects.filter(
            article=models.OuterRef("pk"), status="approved", parent__isnull=True
        )
        .order_by()
        .values("article")
        .annotate(number=models.Count("pk"))
        .values("number")
    )
    Article.objects.update(published_threads=Coalesce(models.Subquery(threads), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_version_category_live_index"),
        ("comments", "0006_report_network"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="published_threads",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Approved top-level comments, withdrawn ones included (they keep "
                "their place): the threads the article page shows, page by page.",
            ),
        ),
        migrations.RunPython(count_threads, migrations.RunPython.noop, elidable=True),
    ]
