"""Durable side effects: emails waiting to be sent, and tasks that must be enqueued only once.

Both rows are written in the same transaction as whatever caused them, so a rolled-back cause
leaves neither, and a committed one cannot lose them (``symptomdb.background``).
"""

from django.db import models
from django.utils import timezone


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmailQuerySet(models.QuerySet):
    def to_address(self, address):
        """Emails with ``address`` among their recipients, whatever its case."""
        wanted = address.strip().casefold()
        if not wanted:
            return self.none()
        # A text match narrows the rows in the database (JSON escapes other characters than
        # ASCII); the exact test is done here.
        near = self.filter(recipients__icontains=wanted) if wanted.isascii() else self
        near = near.values_list("pk", "recipients")
        return self.filter(
            pk__in=[pk for pk, to in near if wanted in {r.strip().casefold() for r in to}]
        )

    def failed(self):
        return self.filter(status=EmailStatus.FAILED)

    def pending(self):
        return self.filter(status=EmailStatus.PENDING)


class OutgoingEmail(models.Model):
    """One email the site sends, kept until it is delivered (retried with backoff) or fails."""

    Status = EmailStatus

    key = models.CharField(
        max_length=200,
        unique=True,
        help_text='What the email is about, e.g. "comment-published:42": the same cause never '
        "sends it twice.",
    )
    recipients = models.JSONField(help_text="The addresses it goes to.")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=EmailStatus, default=EmailStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Failed attempts so far.")
    last_error = models.TextField(blank=True, help_text="Why the last attempt failed.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outgoing email"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EmailStatus.values),
                name="outgoing_email_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=EmailStatus.SENT) | models.Q(sent_at__isnull=False),
                name="outgoing_email_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="outgoing_email_status_idx")]

    def __str__(self):
        # Not the recipients: admin pages name the email to editors who may not read them.
        count = len(self.recipients)
        return f"{self.subject} (to {count} recipient{'s' if count != 1 else ''})"


class TaskKey(models.Model):
    """A task that was enqueued for this key: a periodic job's slot, a digest's window.

    Inserting the key and enqueuing the task happen in one transaction; a second worker or
    request that tries the same key enqueues nothing.
    """

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.key


class CspReportQuerySet(models.QuerySet):
    def since(self, moment):
        return self.filter(received_at__gte=moment)


class CspReport(models.Model):
    """A browser's report that the Content-Security-Policy blocked something on a page: a
    script or style someone added, or an extension, or an attack (``symptomdb.csp``)."""

    document_uri = models.CharField(max_length=500, blank=True)
    violated_directive = models.CharField(max_length=200, blank=True)
    blocked_uri = models.CharField(max_length=500, blank=True)
    source_file = models.CharField(max_length=500, blank=True)
    line_number = models.PositiveIntegerField(null=True, blank=True)
    sample = models.CharField(max_length=200, blank=True)
    address_hash = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = CspReportQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "content-security-policy report"
        indexes = [
            models.Index(fields=["address_hash", "received_at"], name="csp_report_address_idx")
        ]

    def __str__(self):
        return f"{self.violated_directive or 'violation'} on {self.document_uri or '?'}"
