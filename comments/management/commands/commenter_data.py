import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.privacy import erase_commenter, export_commenter


class Command(BaseCommand):
    help = (
        "Privacy requests from a commenter: `export EMAIL` prints everything stored about them "
        'as JSON; `erase EMAIL` anonymises their comments (name "Former reader", email removed), '
        "keeping reply threads whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")

    def handle(self, *args, action, email, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"Not an email address: {email!r}") from error
        if action == "export":
            self.stdout.write(json.dumps(export_commenter(email), indent=2, ensure_ascii=False))
            return
        count = erase_commenter(email)
        self.stdout.write(f"Anonymised {count} comment(s) by {email}.")
