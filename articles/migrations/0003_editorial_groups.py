"""The "Authors" and "Editors" groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHORS = {
    "articles": {
        "article": ["add", "change", "delete", "view"],
        "section": ["add", "change", "delete", "view"],
        "reference": ["add", "change", "delete", "view"],
        "category": ["view"],
    },
    "authors": {
        "author": ["change", "view"],
        "authoraffiliation": ["add", "change", "delete", "view"],
        "affiliation": ["add", "view"],
    },
}


def permissions(apps, app_label, model, actions):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for action in actions]
    return list(
        Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=codenames,
        )
    )


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    authors, _ = Group.objects.get_or_create(name="Authors")
    for app_label, models in AUTHORS.items():
        for model, actions in models.items():
            authors.permissions.add(*permissions(apps, app_label, model, actions))

    editors, _ = Group.objects.get_or_create(name="Editors")
    everything = Permission.objects.filter(content_type__app_label__in=["articles", "authors"])
    editors.permissions.add(*everything)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Authors", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_editorial_workflow"),
        ("authors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
