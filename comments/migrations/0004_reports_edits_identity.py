"""Reports, edits and withdrawals, how each commenter was known, and each comment once."""

import hashlib
import unicodedata

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def fill_fingerprints_and_identities(apps, schema_editor):
    """Fingerprint the stored comments (a repeat of an earlier one keeps an empty fingerprint:
    it stays, and the new constraint applies from now on); a comment posted signed in was
    posted by its account."""
    Comment = apps.get_model("comments", "Comment")
    seen = set()
    for comment in Comment.objects.order_by("pk").iterator():
        words = " ".join(unicodedata.normalize("NFKC", comment.body).casefold().split())
        fingerprint = hashlib.sha256(words.encode()).hexdigest()
        key = (comment.email.lower(), comment.article_id, fingerprint)
        if comment.email and key in seen:
            fingerprint = ""
        seen.add(key)
        Comment.objects.filter(pk=comment.pk).update(
            body_hash=fingerprint,
            identity="account" if comment.user_id else "typed-email",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_search_tiers"),
        ("comments", "0003_comment_announced_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CommentReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("unsafe-advice", "Unsafe medical advice"),
                            ("personal-data", "Personal information"),
                            ("abuse", "Abuse or harassment"),
                            ("spam", "Spam or advertising"),
                            ("other", "Something else"),
                        ],
                        max_length=20,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500)),
                (
                    "reporter",
                    models.CharField(
                        help_text="Keyed hash of the reporting reader (account or token).",
                        max_length=64,
                    ),
                ),
                ("address_hash", models.CharField(blank=True, max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="CommentRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("body", models.TextField(verbose_name="previous text")),
                ("reason", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "earlier text",
                "verbose_name_plural": "earlier texts",
                "ordering": ["comment", "created_at", "pk"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="moderationevent",
            name="moderation_event_action_valid",
        ),
        migrations.AddField(
            model_name="comment",
            name="body_hash",
            field=models.CharField(
                blank=True, editable=False, help_text="Fingerprint of the words.", max_length=64
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="edited_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="comment",
            name="identity",
            field=models.CharField(
                choices=[
                    ("account", "Signed-in account"),
                    ("confirmed-email", "Email confirmed in this browser"),
                    ("typed-email", "Email typed in the form"),
                ],
                default="typed-email",
                editable=False,
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="staff_reply",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Posted from the moderation queue by staff.",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="withdrawn_at",
            field=models.DateTimeField(
                blank=True, editable=False, help_text="Withdrawn by its commenter.", null=True
            ),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("spam", "Marked as spam"),
                    ("edited", "Edited"),
                    ("withdrawn", "Withdrawn by its commenter"),
                    ("hidden", "Hidden after reports"),
                    ("reports-dismissed", "Reports dismissed"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(fill_fingerprints_and_identities, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=models.Q(("identity__in", ["account", "confirmed-email", "typed-email"])),
                name="comment_identity_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                models.F("article"),
                models.F("body_hash"),
                condition=models.Q(
                    models.Q(("email", ""), _negated=True),
                    models.Q(("body_hash", ""), _negated=True),
                ),
                name="comment_once_per_commenter",
            ),
        ),
        migrations.AddConstraint(
            model_name="moderationevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "approved",
                            "rejected",
                            "spam",
                            "edited",
                            "withdrawn",
                            "hidden",
                            "reports-dismissed",
                        ],
                    )
                ),
                name="moderation_event_action_valid",
            ),
        ),
        migrations.AddField(
            model_name="commentreport",
            name="comment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reports",
                to="comments.comment",
            ),
        ),
        migrations.AddField(
            model_name="commentrevision",
            name="comment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="revisions",
                to="comments.comment",
            ),
        ),
        migrations.AddField(
            model_name="commentrevision",
            name="edited_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The moderator; empty when the commenter edited.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="commentreport",
            index=models.Index(fields=["address_hash", "created_at"], name="report_address_idx"),
        ),
        migrations.AddConstraint(
            model_name="commentreport",
            constraint=models.UniqueConstraint(
                fields=("comment", "reporter"), name="report_once_per_reader"
            ),
        ),
        migrations.AddConstraint(
            model_name="commentreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reason__in", ["unsafe-advice", "personal-data", "abuse", "spam", "other"])
                ),
                name="report_reason_valid",
            ),
        ),
    ]
