import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from authors.models import Author

DEMO_AUTHOR_SLUG = "haroon-rashid"
# The groups the editorial workflow's data migration creates.
DEMO_GROUPS = {"editor": "Editors", "author": "Authors"}


class Command(BaseCommand):
    help = (
        "Create the demo accounts (editor, author, moderator) once, with random passwords "
        "printed here. Accounts that already exist are left as they are."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        author = Author.objects.filter(slug=DEMO_AUTHOR_SLUG).first()
        accounts = [
            ("editor", {"is_staff": True, "is_superuser": True}),
            ("author", {"is_staff": True}),
            ("moderator", {"is_staff": True}),
        ]
        created = []
        for username, flags in accounts:
            if User.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=username, email=f"{username}@example.com", password=password, **flags
            )
            if username in DEMO_GROUPS:
                user.groups.add(Group.objects.get(name=DEMO_GROUPS[username]))
            if username == "author" and author is not None and author.user is None:
                author.user = user
                author.save(update_fields=["user"])
            if username == "moderator":
                user.groups.add(Group.objects.get(name=settings.COMMENTS_MODERATORS_GROUP))
            created.append((username, password))

        if not created:
            self.stdout.write("Demo accounts already exist; their passwords are unchanged.")
            return
        self.stdout.write("Demo accounts (shown once; sign in at /admin/):")
        for username, password in created:
            self.stdout.write(f"  {username:<10} {password}")
