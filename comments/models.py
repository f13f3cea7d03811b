import hashlib
import re
import unicodedata
from datetime import timedelta

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.html import linebreaks, urlize


def render_comment_text(text):
    """Plain text as safe HTML: escaped, line breaks kept, links clickable and marked ``ugc``."""
    html = linebreaks(urlize(text, nofollow=True, autoescape=True))
    return nh3.clean(
        html,
        tags={"a", "br", "p"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc",
    )


class CommentSettings(models.Model):
    """Per-article comment settings; an article without a row takes the defaults."""

    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="comment_settings",
    )
    comments_open = models.BooleanField(
        default=True,
        help_text="Untick to close comments on this article. Comments also close "
        "automatically a number of days after publication (COMMENTS_CLOSE_AFTER_DAYS).",
    )

    class Meta:
        verbose_name = "article comment settings"
        verbose_name_plural = "article comment settings"
        ordering = ["article"]

    def __str__(self):
        state = "open" if self.comments_open else "closed"
        return f"Comments {state} on {self.article}"


def comments_open(version):
    """Whether readers may comment now on the article that ``version`` (a published version)
    shows: live, not closed by an editor, not past ``COMMENTS_CLOSE_AFTER_DAYS``.

    Uses ``comments_closed`` when the version was fetched ``with_comment_state()``.
    """
    if not version.is_live:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days and version.first_published_at < timezone.now() - timedelta(days=days):
        return False
    closed = getattr(version, "comments_closed", None)
    if closed is None:
        closed = CommentSettings.objects.filter(pk=version.article_id, comments_open=False).exists()
    return not closed


# Mail services where dots in the name do not matter: one inbox has many spellings.
DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}


def inbox(email):
    """The inbox ``email`` reaches, as one string: lower case, without a "+tag", and at Gmail
    without dots; the address itself when that leaves no name ("+1@example.com")."""
    address = email.strip().lower()
    local, at, domain = address.rpartition("@")
    name = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        name = name.replace(".", "")
    return f"{name}@{domain}" if name and at else address


def mailbox_pattern(email):
    """A case-insensitive regular expression for every spelling of ``email``'s inbox (as
    ``inbox`` reads it); "" for something that is not an address. Built from the address as
    written: lower-casing first would change letters such as "İ" into two."""
    address = email.strip()
    local, at, domain = address.rpartition("@")
    if not (local and at and domain):
        return ""
    name = local.split("+", 1)[0]
    if not name:
        return rf"^{re.escape(address)}$"
    if domain.lower() in DOTLESS_DOMAINS:
        name = r"\.?".join(re.escape(char) for char in name.replace(".", ""))
        domains = "|".join(re.escape(d) for d in sorted(DOTLESS_DOMAINS))
        return rf"^{name}(\+[^@]*)?@({domains})$"
    return rf"^{re.escape(name)}(\+[^@]*)?@{re.escape(domain)}$"


def body_fingerprint(text):
    """What makes two comments the same comment: the words, whatever the case, spacing or
    Unicode form."""
    words = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(words.encode()).hexdigest()


# Letters and symbols that show as nothing: the Hangul fillers and the blank Braille pattern.
BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

# The longest comment anyone may post or edit (a moderator too).
COMMENT_MAX_LENGTH = 5000


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"


class Identity(models.TextChoices):
    """How the commenter was known when posting: only the first two are proof."""

    ACCOUNT = "account", "Signed-in account"
    CONFIRMED_EMAIL = "confirmed-email", "Email confirmed in this browser"
    TYPED_EMAIL = "typed-email", "Email typed in the form"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Comments a moderator approved (or the rules did), withdrawn or not: threads keep
        their place."""
        return self.filter(status=Comment.Status.APPROVED)

    def published(self):
        """Approved comments whose words stand (not withdrawn)."""
        return self.approved().filter(withdrawn_at__isnull=True)

    def shown(self):
        """Published comments readers see on the page: a reply only while its thread is shown
        (a thread taken off the page takes its replies with it). What the counts count."""
        return self.published().filter(
            models.Q(parent__isnull=True) | models.Q(parent__status=Comment.Status.APPROVED)
        )

    def awaiting_moderation(self):
        """The moderation queue: held comments (not withdrawn meanwhile), newest first."""
        return self.filter(status=Comment.Status.PENDING, withdrawn_at__isnull=True).order_by(
            "-created_at", "-pk"
        )

    def for_article(self, article):
        return self.filter(article=article)

    def with_open_reports(self):
        """Comments readers reported that no moderator has answered yet."""
        return self.filter(reports__resolved_at__isnull=True, reports__isnull=False).distinct()

    def threads(self):
        """Top-level comments, oldest first."""
        return self.filter(parent__isnull=True).order_by("created_at", "pk")

    def as_shown(self):
        """What a public page shows of each comment, with the commenter's Author profile for
        the "Clinician" badge: never the email, address or account's password hash, nor the
        moderators' notes."""
        return self.select_related("user__author_profile").only(
            "parent_id",
            "name",
            "body_html",
            "status",
            "staff_reply",
            "created_at",
            "edited_at",
            "withdrawn_at",
            "user__id",
            "user__author_profile__id",
        )

    def in_threads(self, threads):
        """The comments of the queryset ``threads`` (a slice of it, say) and the replies to
        them, oldest first: one query of a fixed shape, however many threads and replies."""
        return (
            self.alias(thread=Coalesce("parent", "pk"))
            .filter(thread__in=threads.values("pk"))
            .order_by("created_at", "pk")
        )

    def by_email(self, email):
        return self.filter(email__iexact=email.strip()) if email.strip() else self.none()

    def by_mailbox(self, email):
        """Comments with any address that reaches the inbox ``email`` reaches: any case, any
        "+tag", and at Gmail any dots ("D.an+1@gmail.com" is dan@gmail.com)."""
        pattern = mailbox_pattern(email)
        return self.filter(email__iregex=pattern) if pattern else self.none()

    def from_address(self, address_hash):
        return self.filter(address_hash=address_hash)

    def from_address_since(self, address_hash, since):
        return self.from_address(address_hash).filter(created_at__gte=since)


class Comment(models.Model):
    Status = CommentStatus
    Identity = Identity

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        help_text="The top-level comment this reply belongs to; replies are one level deep.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        help_text="The signed-in account that posted the comment, if any.",
    )
    name = models.CharField(max_length=80, help_text="Shown publicly.")
    email = models.EmailField(blank=True, help_text="Never shown publicly; empty once erased.")
    body = models.TextField(
        "comment",
        max_length=COMMENT_MAX_LENGTH,  # every form's limit, the moderators' edit included
        help_text=f"Plain text, up to {COMMENT_MAX_LENGTH:,} characters.",
    )
    body_html = models.TextField(editable=False, default="")
    body_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Fingerprint of the words."
    )
    identity = models.CharField(
        max_length=20, choices=Identity, default=Identity.TYPED_EMAIL, editable=False
    )
    staff_reply = models.BooleanField(
        default=False, editable=False, help_text="Posted from the moderation queue by staff."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    held_by = models.CharField(
        "rule",
        max_length=40,
        blank=True,
        help_text='The automatic rule that decided the status, e.g. "links" or "blocklist".',
    )
    held_reason = models.CharField(
        max_length=300, blank=True, help_text="The rule's explanation, shown in the queue."
    )
    address_hash = models.CharField(
        max_length=64, blank=True, help_text="Keyed hash of the network address; never the raw."
    )
    notify = models.BooleanField(
        "email me",
        default=False,
        help_text="The commenter agreed to emails when the comment is approved or answered.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    announced_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the moderators' digest told them of this held comment.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Withdrawn by its commenter."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("moderate_comment", "Can approve, reject or mark comments as spam")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CommentStatus.values), name="comment_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(identity__in=Identity.values), name="comment_identity_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="comment_not_own_parent"
            ),
            # The same words from the same person on the same article are one comment, however
            # many times (and however simultaneously) they are sent.
            models.UniqueConstraint(
                Lower("email"),
                "article",
                "body_hash",
                condition=~models.Q(email="") & ~models.Q(body_hash=""),
                name="comment_once_per_commenter",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["status", "-created_at"], name="comment_queue_idx"),
            models.Index(fields=["address_hash", "created_at"], name="comment_address_idx"),
            models.Index(fields=["email"], name="comment_email_idx"),
            # An article's threads in page order, read a page at a time however many there are.
            # The status is a column, not the condition: a prepared statement sends it as a
            # parameter, and PostgreSQL's generic plan could not use an index that needs it.
            models.Index(
                fields=["article", "status", "created_at", "id"],
                condition=models.Q(parent__isnull=True),
                name="comment_thread_order_idx",
            ),
            # A page of threads with their replies, in one lookup per thread (``in_threads()``).
            models.Index(models.F("article"), Coalesce("parent", "id"), name="comment_thread_idx"),
        ]

    def __str__(self):
        return f"{self.name}: {self.excerpt}"

    def save(self, *args, **kwargs):
        self.body_html = render_comment_text(self.body)
        self.body_hash = body_fingerprint(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.article_id != self.article_id:
            raise ValidationError({"parent": "A reply must be on the same article."})
        if self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": "Replies are one level deep: answer the top-level comment."}
            )

    @property
    def anchor(self):
        return f"comment-{self.pk}"

    @property
    def excerpt(self):
        text = " ".join(self.body.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    def badge_for(self, article):
        """ "Article author" or "Clinician" when the commenter's account has an Author profile;
        "Symptom Database team" for other staff replying from the moderation queue."""
        profile = getattr(self.user, "author_profile", None) if self.user_id else None
        if profile is None:
            return "Symptom Database team" if self.staff_reply else ""
        return "Article author" if profile.pk == article.author_id else "Clinician"


class ModerationAction(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Marked as spam"
    EDITED = "edited", "Edited"
    WITHDRAWN = "withdrawn", "Withdrawn by its commenter"
    HIDDEN = "hidden", "Hidden after reports"
    REPORTS_DISMISSED = "reports-dismissed", "Reports dismissed"


class ModerationReason(models.TextChoices):
    OFF_TOPIC = "off-topic", "Off topic"
    UNSAFE_ADVICE = "unsafe-advice", "Unsafe medical advice"
    ABUSIVE = "abusive", "Abusive or disrespectful"
    ADVERTISING = "advertising", "Advertising or spam"
    PERSONAL_DATA = "personal-data", "Shares personal or health data"
    DUPLICATE = "duplicate", "Duplicate"
    OTHER = "other", "Other (see note)"


class ModerationEvent(models.Model):
    """One moderation decision on a comment: who, what, when and why."""

    Action = ModerationAction
    Reason = ModerationReason

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=ModerationAction)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The moderator; empty for a command or once the account is deleted.",
    )
    reason = models.CharField(max_length=20, choices=ModerationReason, blank=True)
    note = models.TextField(blank=True, help_text="Free text explaining the decision.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "moderation event"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=ModerationAction.values),
                name="moderation_event_action_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=["", *ModerationReason.values]),
                name="moderation_event_reason_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor or 'the system'}"


class CommentRevision(models.Model):
    """The words of a comment before an edit, by its commenter or a moderator (with why)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField("previous text")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The moderator; empty when the commenter edited.",
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "created_at", "pk"]
        verbose_name = "earlier text"
        verbose_name_plural = "earlier texts"

    def __str__(self):
        return f"Text of {self.comment_id} before {self.created_at:%Y-%m-%d %H:%M}"


class ReportReason(models.TextChoices):
    UNSAFE_ADVICE = "unsafe-advice", "Unsafe medical advice"
    PERSONAL_DATA = "personal-data", "Personal information"
    ABUSE = "abuse", "Abuse or harassment"
    SPAM = "spam", "Spam or advertising"
    OTHER = "other", "Something else"


class CommentReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class CommentReport(models.Model):
    """A reader's report of a published comment; one per reader and comment."""

    Reason = ReportReason

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=ReportReason)
    note = models.CharField(max_length=500, blank=True)
    reporter = models.CharField(
        max_length=64, help_text="Keyed hash of the reporting reader (account or token)."
    )
    address_hash = models.CharField(max_length=64, blank=True)
    network_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="Keyed hash of the reporter's network: reports hide a comment only when they "
        "come from several networks.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = CommentReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_reader"),
            models.CheckConstraint(
                condition=models.Q(reason__in=ReportReason.values), name="report_reason_valid"
            ),
        ]
        indexes = [models.Index(fields=["address_hash", "created_at"], name="report_address_idx")]

    def __str__(self):
        return f"{self.get_reason_display()}: comment {self.comment_id}"


class ReportedComment(Comment):
    """Comments with open reports, for the moderators' "Reported" queue."""

    class Meta:
        proxy = True
        verbose_name = "reported comment"
