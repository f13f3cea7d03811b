"""Synonyms for search, kept by editors, starting with common British and American spellings
and lay terms; pg_trgm for "Did you mean" on PostgreSQL (it needs a role that may create
extensions the first time, as the README says)."""

from django.contrib.auth.management import create_permissions
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

STARTING_SYNONYMS = [
    ["anaemia", "anemia"],
    ["anaemic", "anemic"],
    ["haemorrhage", "hemorrhage"],
    ["haematoma", "hematoma"],
    ["haemoglobin", "hemoglobin"],
    ["leukaemia", "leukemia"],
    ["oedema", "edema"],
    ["oesophagus", "esophagus"],
    ["oestrogen", "estrogen"],
    ["diarrhoea", "diarrhea"],
    ["paediatric", "pediatric"],
    ["orthopaedic", "orthopedic"],
    ["foetus", "fetus"],
    ["tumour", "tumor"],
    ["haemorrhoids", "hemorrhoids", "piles"],
    ["coeliac", "celiac"],
    ["dyspnoea", "dyspnea", "shortness of breath", "breathlessness"],
    ["ischaemia", "ischemia"],
    ["anaesthetic", "anesthetic"],
    ["heart attack", "myocardial infarction"],
    ["stroke", "cerebrovascular accident"],
    ["high blood pressure", "hypertension"],
    ["low blood pressure", "hypotension"],
    ["ringing in the ears", "tinnitus"],
    ["heel pain", "plantar fasciitis"],
    ["headache", "cephalalgia"],
    ["hay fever", "allergic rhinitis"],
    ["heartburn", "acid reflux", "gastro-oesophageal reflux"],
    ["chickenpox", "varicella"],
    ["shingles", "herpes zoster"],
    ["tiredness", "fatigue"],
    ["kidney", "renal"],
    ["shockwave", "shock wave"],
]
EDITOR_CODENAMES = ["add_synonym", "change_synonym", "delete_synonym", "view_synonym"]


def start(apps, schema_editor):
    Synonym = apps.get_model("articles", "Synonym")
    Synonym.objects.bulk_create(Synonym(names="\n".join(names)) for names in STARTING_SYNONYMS)
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", codename__in=EDITOR_CODENAMES
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_urgent_sections"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="Synonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "names",
                    models.TextField(
                        help_text='Two or more words or phrases that mean the same to readers, one per line, e.g. "anaemia" and "anemia".'
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["names"],
            },
        ),
        migrations.RunPython(start, migrations.RunPython.noop),
    ]
