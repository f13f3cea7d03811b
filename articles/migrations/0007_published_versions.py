"""Published versions, revisions and the workflow log: the tables (step 1 of 3)."""

import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

GIN_INDEX = "version_search_vector_gin"


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON articles_publishedversion USING gin (search_vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_historicalarticle_condition"),
        ("authors", "0003_editors_rating_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("submitted", "Submitted for review"),
                            ("sent_back", "Sent back to the author"),
                            ("signed_off", "Medical review signed off"),
                            ("published", "Published"),
                            ("scheduled", "Scheduled"),
                            ("unpublished", "Unpublished"),
                            ("restored", "Restored an earlier revision"),
                        ],
                        max_length=20,
                    ),
                ),
                ("note", models.TextField(blank=True)),
                ("reviewed_on", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["article", "-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="PublishedVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "number",
                    models.PositiveIntegerField(
                        help_text="1 for the first published version, and so on."
                    ),
                ),
                ("reviewed_on", models.DateField(verbose_name="last reviewed")),
                ("title", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=200)),
                ("condition", models.CharField(blank=True, max_length=120)),
                (
                    "summary",
                    models.TextField(
                        help_text="The intro as plain text, cut short: cards and meta tags."
                    ),
                ),
                ("intro_html", models.TextField()),
                ("conclusion_html", models.TextField(blank=True)),
                (
                    "sections",
                    models.JSONField(
                        help_text="Headings, anchors, kinds, rendered bodies and terms."
                    ),
                ),
                ("references", models.JSONField(blank=True, default=list)),
                (
                    "changes",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text='The "What changed" log up to this version.',
                    ),
                ),
                (
                    "change_note",
                    models.CharField(
                        help_text='One line for readers: "What changed".', max_length=200
                    ),
                ),
                (
                    "first_published_at",
                    models.DateTimeField(help_text="When the article first went live."),
                ),
                (
                    "live_from",
                    models.DateTimeField(help_text="Readers see this version from this time on."),
                ),
                (
                    "live_until",
                    models.DateTimeField(
                        blank=True,
                        help_text="Set when a newer version replaces this one or the article is unpublished.",
                        null=True,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("search_text", models.TextField(default="")),
                ("search_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                "verbose_name": "published version",
                "ordering": ["article", "-number"],
            },
        ),
        migrations.CreateModel(
            name="Revision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                (
                    "content",
                    models.JSONField(help_text="Title, text, sections and references as saved."),
                ),
                (
                    "fingerprint",
                    models.CharField(help_text="SHA-256 of the content.", max_length=64),
                ),
                (
                    "summary",
                    models.CharField(
                        help_text='What changed since the previous revision, e.g. "Changed intro".',
                        max_length=500,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["article", "-number"],
            },
        ),
        migrations.CreateModel(
            name="VersionTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("overview", "Overview"),
                            ("causes", "Causes"),
                            ("symptoms", "Symptoms"),
                            ("diagnosis", "Diagnosis"),
                            ("treatment", "Treatment"),
                            ("prevention", "Prevention"),
                            ("complications", "Complications"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(help_text="Order in the version, from 1."),
                ),
                ("name", models.CharField(help_text='e.g. "Joint stiffness".', max_length=200)),
                (
                    "slug",
                    models.SlugField(
                        help_text="Groups the same term across articles.", max_length=200
                    ),
                ),
            ],
            options={
                "ordering": ["version", "position"],
            },
        ),
        migrations.AlterField(
            model_name="article",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("in_review", "In review")],
                default="draft",
                help_text="Draft: being written. In review: handed to the reviewers, read-only for its author. Readers see only published versions, whatever the status.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="articleevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a command or once the account is deleted.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="articleevent",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="articleevent",
            name="reviewer",
            field=models.ForeignKey(
                blank=True,
                help_text="For a sign-off: the clinician who reviewed the revision.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="authors.author",
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="published_versions",
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="published_versions",
                to="authors.author",
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="category",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="published_versions",
                to="articles.category",
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="reviewed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviewed_versions",
                to="authors.author",
                verbose_name="medically reviewed by",
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="sign_off",
            field=models.ForeignKey(
                help_text="The sign-off of that revision.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="published_versions",
                to="articles.articleevent",
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="revisions",
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a command (an import) or once the account is deleted.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="revision",
            field=models.ForeignKey(
                help_text="The revision the reviewer signed off, published as it was.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="published_versions",
                to="articles.revision",
            ),
        ),
        migrations.AddField(
            model_name="articleevent",
            name="revision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="articles.revision",
            ),
        ),
        migrations.AddField(
            model_name="versionterm",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="terms",
                to="articles.publishedversion",
            ),
        ),
        migrations.AddConstraint(
            model_name="revision",
            constraint=models.UniqueConstraint(
                fields=("article", "number"), name="revision_number_unique_per_article"
            ),
        ),
        migrations.AddConstraint(
            model_name="revision",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__gte", 1)), name="revision_number_from_1"
            ),
        ),
        migrations.AddIndex(
            model_name="publishedversion",
            index=models.Index(fields=["live_from", "live_until"], name="version_live_idx"),
        ),
        migrations.AddIndex(
            model_name="publishedversion",
            index=models.Index(fields=["slug"], name="version_slug_idx"),
        ),
        migrations.AddIndex(
            model_name="publishedversion",
            index=models.Index(fields=["-first_published_at"], name="version_newest_idx"),
        ),
        migrations.AddConstraint(
            model_name="publishedversion",
            constraint=models.UniqueConstraint(
                fields=("article", "number"), name="version_number_unique_per_article"
            ),
        ),
        migrations.AddConstraint(
            model_name="publishedversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("reviewed_by", models.F("author")), _negated=True),
                name="version_reviewer_is_not_author",
            ),
        ),
        migrations.AddConstraint(
            model_name="publishedversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("live_until__isnull", True),
                    ("live_until__gte", models.F("live_from")),
                    _connector="OR",
                ),
                name="version_live_until_after_live_from",
            ),
        ),
        migrations.AddConstraint(
            model_name="publishedversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("change_note", ""), _negated=True),
                name="version_has_change_note",
            ),
        ),
        migrations.AddIndex(
            model_name="articleevent",
            index=models.Index(fields=["article", "action", "-created_at"], name="event_idx"),
        ),
        migrations.AddConstraint(
            model_name="articleevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "submitted",
                            "sent_back",
                            "signed_off",
                            "published",
                            "scheduled",
                            "unpublished",
                            "restored",
                        ],
                    )
                ),
                name="article_event_action_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="articleevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("action", "signed_off"),
                        ("reviewer__isnull", False),
                        ("reviewed_on__isnull", False),
                        ("revision__isnull", False),
                    ),
                    models.Q(
                        models.Q(("action", "signed_off"), _negated=True),
                        ("reviewer__isnull", True),
                        ("reviewed_on__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="article_event_sign_off_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="articleevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action", "sent_back"), _negated=True),
                    models.Q(("note", ""), _negated=True),
                    _connector="OR",
                ),
                name="article_event_sent_back_has_note",
            ),
        ),
        migrations.AddIndex(
            model_name="versionterm",
            index=models.Index(fields=["kind", "slug"], name="version_term_kind_slug_idx"),
        ),
        migrations.AddConstraint(
            model_name="versionterm",
            constraint=models.UniqueConstraint(
                fields=("version", "kind", "slug"), name="version_term_unique_per_kind"
            ),
        ),
        migrations.AddConstraint(
            model_name="versionterm",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "overview",
                            "causes",
                            "symptoms",
                            "diagnosis",
                            "treatment",
                            "prevention",
                            "complications",
                            "other",
                        ],
                    )
                ),
                name="version_term_kind_valid",
            ),
        ),
        # A GIN index on PostgreSQL only; SQLite searches without the vector.
        migrations.RunPython(create_gin_index, drop_gin_index, elidable=False),
    ]
