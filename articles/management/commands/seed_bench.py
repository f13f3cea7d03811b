import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles import seeding
from symptomdb.progress import ProgressBar


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
        self.bars = {}
        started = time.monotonic()
        seeding.seed_articles(articles, self.progress)
        seeding.seed_comments(comments, self.progress)
        seeding.seed_ratings(ratings, self.progress)
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather them: the planner needs them.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"\nSeeded {articles} article(s), {comments} comment(s) and {ratings} rating(s) in "
            f"{time.monotonic() - started:.0f} s."
        )

    def progress(self, done, total, what):
        if what not in self.bars:
            self.bars[what] = ProgressBar(sys.stderr, total, what)
        self.bars[what].update(done)
