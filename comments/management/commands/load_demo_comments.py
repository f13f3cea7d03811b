from django.core.management.base import BaseCommand

from comments.demo import load_demo_comments


class Command(BaseCommand):
    help = "Add demo comments to the demo articles. Running it again changes nothing."

    def handle(self, *args, **options):
        created = load_demo_comments()
        self.stdout.write(f"Demo comments: {created} created.")
