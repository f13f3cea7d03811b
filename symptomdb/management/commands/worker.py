import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from symptomdb.background import housekeeping

logger = logging.getLogger("symptomdb.background")


def housekeeping_loop(stop):
    """Every ``TASKS_HOUSEKEEPING_SECONDS``: enqueue due periodic jobs, recover stalled tasks."""
    while not stop.is_set():
        try:
            done = housekeeping()
            if done["enqueued"] or done["requeued"]:
                logger.info("Housekeeping: %s", done)
        except Exception:
            # A database blip must not stop the worker; the next round tries again.
            logger.exception("Housekeeping failed")
        finally:
            close_old_connections()
        stop.wait(settings.TASKS_HOUSEKEEPING_SECONDS)


class Command(db_worker.Command):
    help = (
        "Run a background worker: emails, periodic jobs (BACKGROUND_JOBS) and any other task, "
        "from the database queue. Run one or more per machine; they never run a task twice."
    )

    def handle(self, *args, **options):
        # With --reload the parent process only restarts the child: housekeeping runs in the
        # process that runs tasks. A --batch run (tests, one-off) does its own housekeeping.
        in_child = os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if options["batch"]:
            housekeeping()
        elif in_child or not options["reload"]:
            stop = threading.Event()
            threading.Thread(
                target=housekeeping_loop, args=(stop,), name="housekeeping", daemon=True
            ).start()
        super().handle(*args, **options)
