"""Background work on Django's tasks framework with a database backend (django-tasks-db).

Tasks are rows in the site's own database, written in the same transaction as their cause: a
request that rolls back enqueues nothing, and a committed one cannot lose its tasks. Workers
(``manage.py worker``) claim rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
several workers on several machines never run one task twice.

- ``queue_email`` stores an email under a key (one email per cause) and enqueues its delivery;
  ``deliver_email`` retries transient SMTP failures with exponential backoff and sends each email
  once, however often it is retried.
- ``enqueue_once`` enqueues a task once per key: a periodic job once per day or week, the
  moderators' digest once per window.
- ``housekeeping`` (run by every worker every half minute, or by cron through
  ``manage.py run_housekeeping``) enqueues the periodic jobs that are due and puts back tasks
  whose worker died while running them.
"""

import logging
import re
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from .models import OutgoingEmail, TaskKey

logger = logging.getLogger(__name__)


# Emails --------------------------------------------------------------------------------------


def absolute(path):
    """``path`` on the site's public address (``DJANGO_SITE_URL``), for links in emails."""
    return settings.SITE_URL + path


def queue_email(key, subject, body, recipients):
    """Store an email and enqueue its delivery, in the caller's transaction; once per ``key``.

    Returns the ``OutgoingEmail``, or None when there is nobody to send it to.
    """
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return None
    email, created = OutgoingEmail.objects.get_or_create(
        key=key[:200],
        defaults={"recipients": recipients, "subject": subject[:300], "body": body},
    )
    if created:
        deliver_email.enqueue(email.pk)
    return email


EMAIL_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def without_addresses(text):
    """``text`` with email addresses blanked: a mail server's refusal often names its recipient,
    and the error is kept where editors, who may not read commenters' addresses, see it."""
    return EMAIL_ADDRESS.sub("[address]", text)


def retry_delay(attempt):
    """Seconds before attempt ``attempt + 1``: doubling from the base, capped."""
    base = settings.EMAIL_RETRY_BASE_SECONDS
    return min(base * 2 ** (attempt - 1), settings.EMAIL_RETRY_MAX_SECONDS)


def is_permanent(error):
    """A refusal that no retry will change: every recipient rejected with a 5xx code."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _message_id(email):
    # The same Message-ID on every attempt, so a receiver can drop a duplicate delivery.
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outgoing-{email.pk}.{email.created_at:%Y%m%d%H%M%S}@{domain}>"


@task()
def deliver_email(email_id):
    """Send a stored email; on a transient failure try again later, after a longer wait.

    The row is locked while sending, so two workers never send it at the same time, and an
    email already sent is not sent again.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutgoingEmail.Status.PENDING:
            return "nothing to send"
        message = EmailMessage(
            email.subject,
            email.body,
            to=email.recipients,
            headers={"Message-ID": _message_id(email)},
        )
        try:
            message.send()
        except (OSError, smtplib.SMTPException) as error:
            email.attempts += 1
            email.last_error = without_addresses(f"{type(error).__name__}: {error}")[:2000]
            if is_permanent(error) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
                email.status = OutgoingEmail.Status.FAILED
                logger.error("Gave up sending email %s: %s", email.pk, email.last_error)
            else:
                delay = retry_delay(email.attempts)
                deliver_email.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
                    email.pk
                )
                logger.warning(
                    "Email %s not sent (%s); retrying in %s s", email.pk, email.last_error, delay
                )
            email.save(update_fields=["attempts", "last_error", "status"])
            return email.status
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["status", "sent_at"])
        return email.status


def retry_email(email):
    """Send a failed email again from the start (the admin's "retry" action)."""
    with transaction.atomic():
        updated = OutgoingEmail.objects.filter(
            pk=email.pk, status=OutgoingEmail.Status.FAILED
        ).update(status=OutgoingEmail.Status.PENDING, attempts=0)
        if updated:
            deliver_email.enqueue(email.pk)
    return bool(updated)


# Tasks enqueued once -------------------------------------------------------------------------


def enqueue_once(task_to_run, key, *args, run_after=None):
    """Enqueue ``task_to_run(*args)`` unless a task was enqueued for ``key``; True if it was now."""
    try:
        with transaction.atomic():
            TaskKey.objects.create(key=key[:200])
            task_to_run.using(run_after=run_after).enqueue(*args)
    except IntegrityError:
        return False
    return True


def retry_task(result):
    """Enqueue a finished (failed) task again with the same arguments (the admin's action)."""
    args = result.args_kwargs
    return result.task.using(run_after=None).enqueue(*args["args"], **args["kwargs"])


# Periodic jobs and recovery ------------------------------------------------------------------


def slot(frequency, now):
    """The period ``now`` falls in: "2026-11-29" (daily), "2026-W48" (weekly), "...T13" (hourly)."""
    local = timezone.localtime(now)
    if frequency == "hourly":
        return local.strftime("%Y-%m-%dT%H")
    if frequency == "weekly":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == "daily":
        return local.date().isoformat()
    raise ValueError(f"Unknown frequency {frequency!r}: use hourly, daily or weekly.")


def enqueue_due_jobs(now=None):
    """Enqueue each periodic job (``BACKGROUND_JOBS``) once in its current period."""
    now = now or timezone.now()
    enqueued = []
    for path, frequency in settings.BACKGROUND_JOBS.items():
        if enqueue_once(import_string(path), f"job:{path}:{slot(frequency, now)}"):
            enqueued.append(path)
    return enqueued


def requeue_stalled_tasks(now=None):
    """Put back tasks still "running" long after they started: their worker died.

    A task is stalled after ``TASKS_STALLED_AFTER_SECONDS``, far longer than any task of ours
    runs (SMTP and HTTP calls have short timeouts), so a live worker's task is never run twice.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASKS_STALLED_AFTER_SECONDS)
    with transaction.atomic():
        stalled = list(
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .select_for_update(skip_locked=True)
        )
        for result in stalled:
            logger.warning("Task %s (%s) stalled; enqueued again", result.pk, result.task_path)
        DBTaskResult.objects.filter(pk__in=[r.pk for r in stalled]).update(
            status=TaskResultStatus.READY, run_after=now, started_at=None
        )
    return len(stalled)


def housekeeping(now=None):
    """What every worker does every half minute: due jobs in, stalled tasks back."""
    return {"enqueued": enqueue_due_jobs(now), "requeued": requeue_stalled_tasks(now)}
