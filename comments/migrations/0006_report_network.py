"""Reports keep the reporter's network, so that reports from one network hide nothing alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_reported_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="commentreport",
            name="network_hash",
            field=models.CharField(
                blank=True,
                help_text="Keyed hash of the reporter's network: reports hide a comment only when they come from several networks.",
                max_length=64,
            ),
        ),
    ]
