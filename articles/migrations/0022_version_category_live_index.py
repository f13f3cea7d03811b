"""Live versions per category are counted from an index alone: the home page's and the
sitemap's category counts no longer read every version row."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_newest_index_ties_by_id"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="publishedversion",
            index=models.Index(
                fields=["category", "live_from", "live_until", "id"],
                name="version_category_live_idx",
            ),
        ),
    ]
