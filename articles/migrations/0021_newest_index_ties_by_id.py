"""Newest-first reads tie on the id in the index too: lists, and the search candidates ranked per
query, stop after the rows they need (many versions may share a publication time)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_search_ignores_accents"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="publishedversion",
            name="version_newest_idx",
        ),
        migrations.AddIndex(
            model_name="publishedversion",
            index=models.Index(fields=["-first_published_at", "-id"], name="version_newest_idx"),
        ),
    ]
