from django.core.management.base import BaseCommand

from symptomdb.background import housekeeping


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs that are due and put back tasks whose worker died. Every "
        "`manage.py worker` does this on its own; run it from cron only if you run bare "
        "`db_worker` processes instead."
    )

    def handle(self, *args, **options):
        done = housekeeping()
        self.stdout.write(
            f"Enqueued {len(done['enqueued'])} periodic job(s)"
            + (f" ({', '.join(done['enqueued'])})" if done["enqueued"] else "")
            + f"; put back {done['requeued']} stalled task(s)."
        )
