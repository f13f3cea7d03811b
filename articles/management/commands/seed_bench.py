import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles import seeding


class Command(BaseCommand):
    help = (
        "Fill the configured database with a benchmark load: live articles made from the demo "
        "articles, comments (one article with 500) and ratings, by bulk inserts. For a "
        "separate benchmark database only (see bench/README.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--comments", type=int, default=1_000_000)
        parser.add_argument("--ratings", type=int, default=100_000)
        parser.add_argument(
            "--yes-this-is-a-benchmark-database",
            action="store_true",
            dest="confirmed",
            help="Required unless the database name contains 'bench' or 'test'.",
        )

    def handle(self, *args, articles, comments, ratings, confirmed, **options):
        name = str(connection.settings_dict["NAME"])
        if not (confirmed or "bench" in name or "test" in name):
            raise CommandError(
                f"The database {name!r} does not look like a benchmark database; seeding adds "
                "thousands of rows. Point DATABASE_URL at one (e.g. .../symptomdb_bench) or "
                "pass --yes-this-is-a-benchmark-database."
            )
        started = time.monotonic()
        seeding.seed_articles(articles, self.progress)
        seeding.seed_comments(comments, self.progress)
        seeding.seed_ratings(ratings, self.progress)
        self.stdout.write(
            f"\nSeeded {articles} article(s), {comments} comment(s) and {ratings} rating(s) in "
            f"{time.monotonic() - started:.0f} s."
        )

    def progress(self, done, total, what):
        """A one-line progress bar on a terminal (stderr), a line per 10% otherwise."""
        width = 30
        filled = width * done // max(total, 1)
        bar = f"{what:<9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if sys.stderr.isatty():
            self.stderr.write(f"\r{bar}", ending="\n" if done >= total else "")
        elif done >= total or (done * 10 // max(total, 1)) != ((done - 1) * 10 // max(total, 1)):
            self.stderr.write(bar)
