"""Background work: emails through a real SMTP server that refuses, hangs or accepts; retries,
exactly-once delivery, periodic jobs, stalled tasks, and the editors' admin of failures."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from symptomdb.background import (
    deliver_email,
    enqueue_due_jobs,
    housekeeping,
    queue_email,
    requeue_stalled_tasks,
)
from symptomdb.models import OutgoingEmail, TaskKey
from tests.factories import signed_in_client, staff_user
from tests.markers import needs_postgres
from tests.stack import database_url

pytestmark = pytest.mark.django_db

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
several_workers = needs_postgres("several worker processes need a database server")


def test_a_refusing_then_accepting_server_gets_each_email_exactly_once(smtp_server, run_tasks):
    smtp_server.handler.refuse_next = 2  # "421 try again later", twice
    queue_email("test:one", "Hello", "Body one", ["a@example.org"])
    queue_email("test:two", "Hello", "Body two", ["b@example.org"])
    run_tasks()
    assert sorted(m["To"] for m in smtp_server.messages) == ["a@example.org", "b@example.org"]
    emails = OutgoingEmail.objects.order_by("key")
    assert [e.status for e in emails] == ["sent", "sent"]
    assert sum(e.attempts for e in emails) == 2  # the two refusals
    assert all("421" in e.last_error for e in emails if e.attempts)


def test_a_mail_server_down_for_ten_minutes_loses_nothing_and_sends_nothing_twice(
    settings, run_tasks
):
    from tests.mailserver import LocalSmtpServer

    server = LocalSmtpServer()  # not started: connections are refused
    settings.MAILERS = server.mailer_settings()
    settings.EMAIL_RETRY_BASE_SECONDS = 30
    for number in range(5):
        queue_email(f"test:{number}", "Hello", f"Body {number}", [f"r{number}@example.org"])
    start = timezone.now()
    for minute in range(10):
        with time_machine.travel(start + timedelta(minutes=minute)):
            run_tasks()
    assert server.messages == []
    assert OutgoingEmail.objects.filter(status="pending").count() == 5
    server.start()
    try:
        with time_machine.travel(start + timedelta(minutes=40)):
            run_tasks()
            run_tasks()
    finally:
        server.stop()
    assert sorted(m["To"] for m in server.messages) == [f"r{n}@example.org" for n in range(5)]
    assert OutgoingEmail.objects.filter(status="sent").count() == 5


def test_an_email_is_sent_once_however_often_its_task_runs(smtp_server, run_tasks):
    email = queue_email("test:dup", "Once", "Only once", ["once@example.org"])
    deliver_email.enqueue(email.pk)  # a duplicate task, as a manual retry might make
    deliver_email.enqueue(email.pk)
    assert queue_email("test:dup", "Once", "Only once", ["once@example.org"]) == email
    run_tasks()
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["Message-ID"].startswith(f"<outgoing-{email.pk}.")


def test_a_permanent_refusal_fails_at_once_and_editors_retry_it_from_the_admin(
    smtp_server, run_tasks, settings
):
    editor = signed_in_client(staff_user("edna", "Editors"))
    smtp_server.handler.refuse_next = 0
    settings.MAILERS = {"default": {"BACKEND": "tests.comments.broken_mail.EmailBackend"}}
    settings.EMAIL_MAX_ATTEMPTS = 3
    email = queue_email("test:fail", "Failing", "Body", ["x@example.org"])
    run_tasks()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 3)

    listing = editor.get(reverse("admin:symptomdb_outgoingemail_changelist") + "?status=failed")
    assert "The mail server is down." in listing.content.decode()
    settings.MAILERS = smtp_server.mailer_settings()
    response = editor.post(
        reverse("admin:symptomdb_outgoingemail_changelist"),
        {"action": "retry", "_selected_action": [email.pk]},
    )
    assert response.status_code == 302
    run_tasks()
    email.refresh_from_db()
    assert email.status == "sent"
    assert len(smtp_server.messages) == 1


def test_a_refusal_naming_the_recipient_is_kept_without_the_address(smtp_server, run_tasks):
    """Editors read delivery errors; commenters' addresses are for moderators only."""
    smtp_server.handler.unknown = {"gone@example.org"}
    email = queue_email("test:unknown", "Reply", "Body", ["gone@example.org"])
    run_tasks()
    email.refresh_from_db()
    assert email.status == "failed"
    assert "User unknown" in email.last_error
    assert "gone@example.org" not in email.last_error
    editor = signed_in_client(staff_user("edna", "Editors"))
    listing = editor.get(reverse("admin:symptomdb_outgoingemail_changelist"))
    assert "User unknown" in listing.text
    assert "gone@example.org" not in listing.text
    # Nor can a filter in the address tell the hidden fields by the number of rows it leaves.
    changelist = reverse("admin:symptomdb_outgoingemail_changelist")
    for lookup in ["recipients__icontains", "body__icontains", "key__startswith", "body"]:
        assert editor.get(changelist, {lookup: "gone"}).status_code == 400, lookup
    both = staff_user("mo", "Moderators")
    both.groups.add(Group.objects.get(name="Editors"))
    editing_moderator = signed_in_client(both)
    found = editing_moderator.get(changelist, {"recipients__icontains": "gone"})
    assert "gone@example.org" in found.text


def test_failed_tasks_are_listed_for_editors_with_the_error_and_can_be_retried(run_tasks):
    editor = signed_in_client(staff_user("edna", "Editors"))
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="articles.tasks.send_review_reminders",
        backend_name="default",
        queue_name="default",
        status=TaskResultStatus.FAILED,
        exception_class_path="builtins.RuntimeError",
        traceback="Traceback...\nRuntimeError: the review list broke",
    )
    listing = editor.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert listing.status_code == 200
    assert "RuntimeError: the review list broke" in listing.content.decode()
    editor.post(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        {"action": "retry", "_selected_action": [result.pk]},
    )
    again = DBTaskResult.objects.exclude(pk=result.pk).get()
    assert again.task_path == result.task_path
    run_tasks()
    again.refresh_from_db()
    assert again.status == TaskResultStatus.SUCCESSFUL
    # Authors and moderators do not see the operations lists.
    author = signed_in_client(staff_user("ada", "Authors"))
    assert (
        author.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).status_code
        == 403
    )
    assert author.get(reverse("admin:symptomdb_outgoingemail_changelist")).status_code == 403


def test_periodic_jobs_are_enqueued_once_per_period_by_any_number_of_workers():
    # Early in an hour: five minutes later is the same hour for the hourly jobs too.
    now = timezone.now().replace(minute=1, second=0, microsecond=0)
    first = enqueue_due_jobs(now)
    assert sorted(first) == sorted(django_settings.BACKGROUND_JOBS)
    assert enqueue_due_jobs(now) == []  # a second worker, the same minute
    assert enqueue_due_jobs(now + timedelta(minutes=5)) == []
    next_day = enqueue_due_jobs(now + timedelta(days=1))
    assert "articles.tasks.check_references" in next_day
    assert TaskKey.objects.count() == len(first) + len(next_day)


def test_a_task_whose_worker_died_runs_again_once(smtp_server, run_tasks, settings):
    settings.TASKS_STALLED_AFTER_SECONDS = 600
    email = queue_email("test:stalled", "Stalled", "Body", ["s@example.org"])
    # A worker claimed it, then died: the row says "running" for ever.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert requeue_stalled_tasks() == 0  # a live worker's task is left alone
    run_tasks()
    assert smtp_server.messages == []
    later = timezone.now() + timedelta(minutes=11)
    with time_machine.travel(later):
        assert housekeeping()["requeued"] == 1
        assert requeue_stalled_tasks() == 0
        run_tasks()
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.status == "sent"


def test_review_reminders_tell_the_editors_once_a_week(make_article, run_tasks, mailoutbox):
    staff_user("edna", "Editors", email="edna@example.org")
    make_article(title="Old review?", reviewed_on=timezone.localdate() - timedelta(days=400))
    make_article(title="Fresh review?")
    run_tasks()  # the worker's housekeeping enqueues the week's reminder
    reminders = [m for m in mailoutbox if "due for medical review" in m.subject]
    assert len(reminders) == 1
    assert reminders[0].to == ["edna@example.org"]
    assert "Old review?" in reminders[0].body
    assert "Fresh review?" not in reminders[0].body
    run_tasks()
    assert len([m for m in mailoutbox if "due for medical review" in m.subject]) == 1


# Several processes on PostgreSQL ------------------------------------------------------------


def manage(*args, env=None):
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url(),
        "DJANGO_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@several_workers
@pytest.mark.django_db(transaction=True)
def test_two_workers_process_200_emails_and_none_is_sent_twice():
    from tests.mailserver import LocalSmtpServer

    server = LocalSmtpServer().start()
    try:
        for number in range(200):
            queue_email(f"load:{number}", f"Message {number}", "Body", [f"r{number}@example.org"])
        options = ["worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload"]
        workers = [manage(*options, env=server.environment()) for _ in range(2)]
        outputs = [worker.communicate(timeout=180)[0] for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0], outputs
    finally:
        server.stop()
    subjects = [message["Subject"] for message in server.messages]
    assert len(subjects) == 200
    assert len(set(subjects)) == 200
    results = DBTaskResult.objects.filter(task_path="symptomdb.background.deliver_email")
    assert results.count() == 200
    assert set(results.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert all(len(worker_ids) == 1 for worker_ids in results.values_list("worker_ids", flat=True))
    assert len({ids[0] for ids in results.values_list("worker_ids", flat=True)}) == 2


@several_workers
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_the_email_to_be_sent_once_later(run_tasks, settings):
    from tests.mailserver import LocalSmtpServer

    server = LocalSmtpServer().start()
    settings.MAILERS = server.mailer_settings()
    try:
        server.handler.hang.set()
        email = queue_email("kill:1", "Killed", "Body", ["k@example.org"])
        worker = manage(
            "worker",
            "--no-startup-delay",
            "--interval",
            "0.1",
            "--no-reload",
            env=server.environment(),
        )
        deadline = time.monotonic() + 30
        while not DBTaskResult.objects.running().exists():
            assert time.monotonic() < deadline, "the worker never started the task"
            time.sleep(0.1)
        time.sleep(0.5)  # inside the SMTP conversation now
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        server.handler.hang.clear()
        server.handler.released.set()
        assert DBTaskResult.objects.running().count() == 1
        assert OutgoingEmail.objects.get(pk=email.pk).status == "pending"
        settings.TASKS_STALLED_AFTER_SECONDS = 0
        run_tasks()
    finally:
        server.stop()
    assert len(server.messages) == 1
    assert OutgoingEmail.objects.get(pk=email.pk).status == "sent"
    delivered = DBTaskResult.objects.filter(task_path="symptomdb.background.deliver_email")
    assert list(delivered.values_list("status", flat=True)) == [TaskResultStatus.SUCCESSFUL]
