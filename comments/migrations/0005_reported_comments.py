"""The moderators' "Reported" queue (a proxy of comments) and what moderators may do there:
see it, and change a comment's words (with a reason, kept in its history)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("comments", "reportedcomment", "view_reportedcomment"),
    ("comments", "reportedcomment", "change_reportedcomment"),
    ("comments", "comment", "change_comment"),
    ("comments", "commentrevision", "view_commentrevision"),
    ("comments", "commentreport", "view_commentreport"),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for app_label, model, codename in PERMISSIONS:
        moderators.permissions.add(
            Permission.objects.get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for moderators in Group.objects.filter(name="Moderators"):
        moderators.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="comments",
                codename__in=[codename for _, _, codename in PERMISSIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_reports_edits_identity"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportedComment",
            fields=[],
            options={
                "verbose_name": "reported comment",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("comments.comment",),
        ),
        migrations.RunPython(grant, revoke),
    ]
