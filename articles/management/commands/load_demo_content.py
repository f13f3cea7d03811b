import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = (
        "Load the demo articles into their working copies, with demo ratings and comments. "
        "Running it again changes nothing. Readers see the articles once they are published "
        "through the medical review (manage.py load_demo_reviews)."
    )

    def handle(self, *args, **options):
        files = sorted(os.path.relpath(path) for path in DEMO_DIR.glob("*.txt"))
        call_command("import_articles", *files, stdout=self.stdout)
        call_command("load_demo_ratings", stdout=self.stdout)
        call_command("load_demo_comments", stdout=self.stdout)
