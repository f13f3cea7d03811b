import django.db.models.deletion
from django.db import migrations, models

from articles.slugs import make_slug
from articles.terms import extract_terms


def fill_section_terms(apps, schema_editor):
    """Derive the terms of the sections that exist already; later saves keep them current."""
    Section = apps.get_model("articles", "Section")
    SectionTerm = apps.get_model("articles", "SectionTerm")
    alias = schema_editor.connection.alias
    SectionTerm.objects.using(alias).bulk_create(
        SectionTerm(section=section, position=position, name=name, slug=make_slug(name))
        for section in Section.objects.using(alias).iterator()
        for position, name in enumerate(extract_terms(section.body), start=1)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_search_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SectionTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(help_text="Order in the section, from 1."),
                ),
                (
                    "name",
                    models.CharField(
                        help_text='The bold lead term or the whole item, e.g. "Joint stiffness".',
                        max_length=200,
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text="Groups the same term across articles.", max_length=200
                    ),
                ),
                (
                    "section",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="terms",
                        to="articles.section",
                    ),
                ),
            ],
            options={
                "ordering": ["section", "position"],
                "indexes": [models.Index(fields=["slug"], name="section_term_slug_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("section", "position"), name="section_term_position_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_section_terms, migrations.RunPython.noop),
    ]
