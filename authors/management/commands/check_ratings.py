from django.core.management.base import BaseCommand, CommandError

from authors.ratings import find_drift, repair_drift


class Command(BaseCommand):
    help = (
        "Recount every author's ratings from the rating rows and report any author whose "
        "stored counts differ. Exits non-zero on drift unless --fix repaired it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Set drifted counts to the recounted values."
        )

    def handle(self, *args, fix=False, **options):
        drifts = find_drift()
        for drift in drifts:
            self.stdout.write(
                f"Drift for {drift.author.slug}: stored {self._counts(drift.stored)}, "
                f"actual {self._counts(drift.actual)}"
            )
            if fix:
                repair_drift(drift)
        if not drifts:
            self.stdout.write("Ratings are exact: no drift.")
        elif fix:
            self.stdout.write(f"Repaired {len(drifts)} author(s).")
        else:
            raise CommandError(f"{len(drifts)} author(s) with rating drift.")

    @staticmethod
    def _counts(counts):
        return " ".join(f"{stars}★={number}" for stars, number in counts.items())
