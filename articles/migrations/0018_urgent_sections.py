"""Sections of urgent advice ("When to See a Clinician", "When a Headache Is an Emergency")
get their own kind, shown as a callout: existing sections of kind "other" whose heading says
so become urgent, in working copies and live versions (the kind is presentation; the text a
clinician signed off is unchanged)."""

import re

from django.db import migrations, models

# The importer's rule when this migration was written (articles/importer.py URGENT_HEADING).
URGENT_HEADING = (
    r"\bwhen to (?:see|call|contact|get|seek|go)\b|\burgent|\bemergenc|\bcall (?:911|999|112|000|"
    r"an ambulance)|\bget (?:medical )?help\b|\bseek (?:medical|immediate|urgent)|\bred flags?\b|"
    r"\bwarning signs?\b|\bimmediate (?:medical )?(?:help|attention|care)\b"
)


def mark_urgent_sections(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    PublishedVersion = apps.get_model("articles", "PublishedVersion")
    urgent = re.compile(URGENT_HEADING)
    for section in Section.objects.filter(kind="other"):
        if urgent.search(section.heading.lower()):
            Section.objects.filter(pk=section.pk).update(kind="urgent")
    for version in PublishedVersion.objects.all():
        sections = version.sections
        changed = False
        for section in sections:
            if section.get("kind") == "other" and urgent.search(section["heading"].lower()):
                section["kind"] = "urgent"
                changed = True
        if changed:
            PublishedVersion.objects.filter(pk=version.pk).update(sections=sections)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_condition_names"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="section",
            name="section_kind_valid",
        ),
        migrations.RemoveConstraint(
            model_name="versionterm",
            name="version_term_kind_valid",
        ),
        migrations.AlterField(
            model_name="section",
            name="kind",
            field=models.CharField(
                choices=[
                    ("overview", "Overview"),
                    ("causes", "Causes"),
                    ("symptoms", "Symptoms"),
                    ("diagnosis", "Diagnosis"),
                    ("treatment", "Treatment"),
                    ("prevention", "Prevention"),
                    ("complications", "Complications"),
                    ("urgent", "Urgent advice"),
                    ("other", "Other"),
                ],
                default="other",
                help_text="What the section is about; search and structured data use it.",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="versionterm",
            name="kind",
            field=models.CharField(
                choices=[
                    ("overview", "Overview"),
                    ("causes", "Causes"),
                    ("symptoms", "Symptoms"),
                    ("diagnosis", "Diagnosis"),
                    ("treatment", "Treatment"),
                    ("prevention", "Prevention"),
                    ("complications", "Complications"),
                    ("urgent", "Urgent advice"),
                    ("other", "Other"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
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
                            "urgent",
                            "other",
                        ],
                    )
                ),
                name="section_kind_valid",
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
                            "urgent",
                            "other",
                        ],
                    )
                ),
                name="version_term_kind_valid",
            ),
        ),
        migrations.RunPython(mark_urgent_sections, migrations.RunPython.noop),
    ]
