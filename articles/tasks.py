"""The articles' periodic jobs (``BACKGROUND_JOBS``): review reminders and reference checks."""

import time
from itertools import groupby
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from symptomdb.background import absolute, queue_email, slot

from .link_checker import check_link
from .models import DOI_PREFIX, PublishedVersion, Reference, ReferenceCheck

PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
REMINDER_ROWS = 50


def editor_emails():
    users = get_user_model().objects.with_perm(
        "articles.publish_article", backend=PERMISSION_BACKEND
    )
    return list(users.exclude(email="").values_list("email", flat=True))


@task()
def send_review_reminders():
    """Weekly: tell the editors which live articles are due for a new medical review."""
    due = PublishedVersion.objects.live().due_for_review().order_by("reviewed_on", "pk")
    count = due.count()
    if not count:
        return 0
    lines = [f"{count} live article(s) are due for a new medical review:", ""]
    lines += [
        f"• {version.title} — last reviewed {version.reviewed_on:%Y-%m-%d}"
        for version in due[:REMINDER_ROWS]
    ]
    if count > REMINDER_ROWS:
        lines.append(f"… and {count - REMINDER_ROWS} more.")
    lines += ["", absolute(reverse("admin:articles_articledueforreview_changelist"))]
    queue_email(
        f"review-reminder:{slot('weekly', timezone.now())}",
        f"{count} article(s) due for medical review",
        "\n".join(lines) + "\n",
        editor_emails(),
    )
    return count


def cited_addresses():
    """Every address cited by a working copy or a live version: URLs, and DOIs as doi.org links."""
    addresses = set()
    for url, doi in Reference.objects.values_list("url", "doi"):
        addresses.add(url or (DOI_PREFIX + doi if doi else ""))
    for references in PublishedVersion.objects.live().values_list("references", flat=True):
        for reference in references:
            doi = reference["doi"]
            addresses.add(reference["url"] or (DOI_PREFIX + doi if doi else ""))
    addresses.discard("")
    return sorted(addresses)


@task()
def check_references():
    """Daily: check every cited address, a host's addresses together in small batches."""
    addresses = sorted(cited_addresses(), key=lambda url: (urlsplit(url).hostname or "", url))
    batches = 0
    for _, same_host in groupby(addresses, key=lambda url: urlsplit(url).hostname or ""):
        same_host = list(same_host)
        size = settings.REFERENCE_CHECK_BATCH
        for start in range(0, len(same_host), size):
            check_addresses.enqueue(same_host[start : start + size])
            batches += 1
    return batches


@task()
def check_addresses(urls):
    """Check ``urls`` one after another, pausing between requests to be polite to the host."""
    broken = 0
    for index, url in enumerate(urls):
        if index:
            time.sleep(settings.REFERENCE_CHECK_DELAY_SECONDS)
        status = check_link(url)
        record_check(status)
        broken += status.broken
    return broken


def record_check(status):
    """Store the result of one check, keeping when a link first broke."""
    now = timezone.now()
    previous = ReferenceCheck.objects.filter(url=status.url).first()
    broken_since = None
    if status.broken:
        broken_since = previous.broken_since if previous and previous.broken_since else now
    ReferenceCheck.objects.update_or_create(
        url=status.url,
        defaults={
            "is_broken": status.broken,
            "status_code": status.status_code,
            "error": status.error[:300],
            "checked_at": now,
            "broken_since": broken_since,
        },
    )
