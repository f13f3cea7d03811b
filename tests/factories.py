"""Building blocks for tests: people in their roles, and articles published the one real way.

Articles reach readers only through ``articles.workflow``; ``publish`` here runs the same
steps an editor takes (submit, sign off, publish), with a test editor and a test reviewer
unless others are given.
"""

from contextlib import nullcontext

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from articles import workflow
from articles.importer import import_article, parse_article
from articles.models import Article, Section
from articles.revisions import record_revision
from authors.models import Author
from symptomdb.background import housekeeping


def staff_user(username, group=None, **fields):
    """A staff account, in ``group`` ("Authors", "Editors", "Moderators") if given.

    No password: tests sign in with ``force_login``, and hashing one is slow.
    """
    user = get_user_model().objects.create_user(username, is_staff=True, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def signed_in_client(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def publishing_editor():
    """The editor account that publishes test articles (created on first use)."""
    user = get_user_model().objects.filter(username="test-editor").first()
    return user or staff_user("test-editor", "Editors")


def reviewing_clinician():
    """The clinician who signs off test articles (created on first use)."""
    return Author.objects.get_or_create(
        slug="vera-verifier", defaults={"name": "Vera Verifier", "credentials": "MD"}
    )[0]


def publish(article, *, by=None, reviewer=None, reviewed_on=None, note="Published", at=None):
    """Submit, sign off and publish ``article``'s working copy; return the published version.

    ``at`` in the past publishes as if at that time; in the future, schedules it.
    """
    by = by or publishing_editor()
    reviewer = reviewer or reviewing_clinician()
    past = at is not None and at <= timezone.now()
    with time_machine.travel(at, tick=False) if past else nullcontext():
        if article.status == Article.Status.DRAFT:
            workflow.submit_for_review(article, by=by)
        workflow.sign_off_review(article, by=by, reviewer=reviewer, reviewed_on=reviewed_on)
        if at is not None and not past:
            return workflow.schedule(article, by=by, at=at, note=note)
        return workflow.publish(article, by=by, note=note)


def article_with_sections(*, author, category, number, sections=3, title=None, **fields):
    """A working copy with ``sections`` sections of one paragraph and one two-item list, and
    its first revision, as the admin or the importer would leave it."""
    article = Article.objects.create(
        title=title or f"What is condition {number}?",
        slug=f"condition-{number}",
        category=category,
        author=author,
        intro=f"Intro of condition {number}.",
        **fields,
    )
    Section.objects.bulk_create(
        Section(
            article=article,
            position=position,
            heading=f"Heading {position}",
            anchor=f"heading-{position}",
            body=f"Paragraph {position}.\n\n- **Term {position}:** first\n- second",
        )
        for position in range(1, sections + 1)
    )
    record_revision(article)
    return article


def add_section(article, heading, body, kind=Section.Kind.OTHER):
    """Append a section with ``body`` (Markdown) and ``kind`` to an article's working copy."""
    position = article.sections.count() + 1
    return Section.objects.create(
        article=article,
        position=position,
        heading=heading,
        anchor=f"section-{position}",
        kind=kind,
        body=body,
    )


def import_seed(data, **publish_options):
    """Import an article file's bytes and publish it."""
    article = import_article(parse_article(data)).article
    publish(article, **publish_options)
    return article


def run_tasks():
    """Run every task that is due in this process, as a worker's loop does, then return.

    The loop of ``manage.py worker`` also closes "old" database connections between tasks,
    which would close the test's own transaction; this runs the same housekeeping, claim and
    ``Worker.run_task`` without that. The worker command itself runs in the tests that start
    worker processes (tests/test_background.py).
    """
    housekeeping()
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return
            result.claim(worker.worker_id)
        worker.run_task(result)
