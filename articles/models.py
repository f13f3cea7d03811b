"""Articles as editors write them and as readers read them.

An ``Article`` is the working copy: its text, sections and references change freely in the
admin, and no reader ever sees them. Every change of the working copy is kept as an immutable
``Revision``. Readers see only ``PublishedVersion`` rows: immutable renderings of a revision
that a clinician signed off, made by ``articles.workflow.publish`` or ``schedule`` and by
nothing else. ``ArticleEvent`` is the audit trail of the workflow (submitted, sent back, signed
off, published, scheduled, unpublished, restored).
"""

import datetime
import hashlib
import json
import re
import string
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Prefetch, Window
from django.db.models.functions import (
    Coalesce,
    Collate,
    Concat,
    Left,
    Lower,
    NullIf,
    RowNumber,
    Upper,
)
from django.utils import timezone
from django.utils.text import normalize_newlines

from authors.models import AuthorAffiliation
from comments.models import Comment, CommentSettings
from symptomdb.links import reverse
from symptomdb.roles import is_editor, may_review

from .conditions import split_names
from .slugs import make_slug
from .terms import TERM_INDEXES


def listed_name(prefix=""):
    """The name lists file a version under, for versions reached through ``prefix``: its
    condition, else its title."""
    return Coalesce(NullIf(f"{prefix}condition", models.Value("")), f"{prefix}title")


def in_code_point_order(expression):
    """``expression`` compared character by character, as Python compares strings, whatever
    the database's collation (which may ignore spaces, or sort "é" with "e")."""
    return Collate(expression, "C" if connection.vendor == "postgresql" else "BINARY")


def filed_under_letter(initial, letter):
    """The filter "``initial`` (a field of upper-cased initials) is filed under ``letter``":
    A to Z their own letter, "#" every other initial (a digit, an accented letter)."""
    if letter in string.ascii_uppercase:
        return models.Q(**{initial: letter})
    return ~models.Q(**{f"{initial}__in": list(string.ascii_uppercase)})


def live_condition(prefix="", now=None):
    """The one definition of "readers see it now", for versions reached through ``prefix``.

    A version is live from ``live_from`` until ``live_until`` (open-ended when empty).
    """
    now = now or timezone.now()
    return models.Q(**{f"{prefix}live_from__lte": now}) & (
        models.Q(**{f"{prefix}live_until__isnull": True})
        | models.Q(**{f"{prefix}live_until__gt": now})
    )


class CategoryQuerySet(models.QuerySet):
    def named(self, name):
        """The category a file's label ``name`` means: by name, whatever the case (an editor
        may have changed its slug), else by the slug the label makes; None if neither."""
        return (
            self.filter(name__iexact=name).first() or self.filter(slug=make_slug(name, 100)).first()
        )

    def with_live_articles(self):
        """Categories that have a live article."""
        return self.filter(
            models.Exists(PublishedVersion.objects.live().filter(category=models.OuterRef("pk")))
        )

    def with_published_counts(self):
        """Categories that have live articles, each with ``published_count``."""
        live = live_condition("published_versions__")
        return self.annotate(
            published_count=models.Count("published_versions", filter=live)
        ).filter(published_count__gt=0)


class Category(models.Model):
    name = models.CharField(
        max_length=100, unique=True, help_text='For example "Symptom Database".'
    )
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the category's URL.")
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})


# The working copy ------------------------------------------------------------------------


class ArticleQuerySet(models.QuerySet):
    def open_to(self, user):
        """The articles ``user`` may open in the admin (``may_open_article``): all for editors,
        else their own, and for a reviewer every article in review."""
        if is_editor(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        shown = models.Q(author__user=user)
        if may_review(user):
            shown |= models.Q(status=Article.Status.IN_REVIEW)
        return self.filter(shown)

    def for_author(self, author):
        return self.filter(author=author)

    def comments_changed(self):
        """Mark what readers see of these articles' comments as changed: the cached pages'
        stamp (``articles.page_cache``) moves on, and the published counts are counted again
        (in the same statement, so they are exact whatever ran before). A reply counts while
        its thread is shown: a thread taken off the page takes its replies with it."""

        def number_of(comments):
            return Coalesce(
                models.Subquery(
                    comments.filter(article=models.OuterRef("pk"))
                    .order_by()
                    .values("article")
                    .annotate(number=models.Count("pk"))
                    .values("number")
                ),
                0,
            )

        return self.update(
            comments_changed_at=timezone.now(),
            published_comments=number_of(Comment.objects.shown()),
            published_threads=number_of(Comment.objects.approved().filter(parent__isnull=True)),
        )

    def awaiting_review(self):
        """Working copies handed to the reviewers, oldest submission first."""
        return self.filter(status=Article.Status.IN_REVIEW).order_by("updated_at", "pk")

    def sent_back(self):
        """Drafts whose last workflow step was "sent back", with ``sent_back_note``,
        ``sent_back_by`` (a username, or None) and ``sent_back_at``."""
        last = ArticleEvent.objects.filter(article=models.OuterRef("pk")).order_by(
            "-created_at", "-pk"
        )
        return (
            self.filter(status=Article.Status.DRAFT)
            .annotate(
                last_action=models.Subquery(last.values("action")[:1]),
                sent_back_note=models.Subquery(last.values("note")[:1]),
                sent_back_by=models.Subquery(last.values("actor__username")[:1]),
                sent_back_at=models.Subquery(last.values("created_at")[:1]),
            )
            .filter(last_action=ArticleEvent.Action.SENT_BACK)
        )

    def with_public_state(self):
        """Annotate what readers see of each article and what is waiting, in one query.

        ``live_version_id``, ``live_slug``, ``live_revision_id`` and ``live_since`` describe
        the version readers see now; ``scheduled_for`` the next scheduled version's time;
        ``latest_revision_id``, ``latest_revision_at`` and ``latest_revision_by`` the newest
        revision of the working copy.
        """
        now = timezone.now()
        live = PublishedVersion.objects.live(now).filter(article=models.OuterRef("pk"))
        scheduled = (
            PublishedVersion.objects.scheduled(now)
            .filter(article=models.OuterRef("pk"))
            .order_by("live_from")
        )
        latest = Revision.objects.filter(article=models.OuterRef("pk")).order_by("-number")
        return self.annotate(
            live_version_id=models.Subquery(live.values("pk")[:1]),
            live_slug=models.Subquery(live.values("slug")[:1]),
            live_revision_id=models.Subquery(live.values("revision_id")[:1]),
            live_since=models.Subquery(live.values("live_from")[:1]),
            scheduled_for=models.Subquery(scheduled.values("live_from")[:1]),
            latest_revision_id=models.Subquery(latest.values("pk")[:1]),
            latest_revision_at=models.Subquery(latest.values("created_at")[:1]),
            latest_revision_by=models.Subquery(latest.values("created_by__username")[:1]),
        )


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"


class Article(models.Model):
    """The working copy of an article: what authors and editors edit. Readers never see it."""

    Status = ArticleStatus

    title = models.CharField(
        max_length=200,
        help_text="A question readers ask, e.g. "
        '"What are the causes and treatment options for heterotopic calcifications?"',
    )
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the article's URL.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    author = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="articles")
    intro = models.TextField(help_text="The opening paragraphs, in Markdown.")
    conclusion = models.TextField(
        blank=True, help_text='The closing paragraph ("In conclusion, ..."), in Markdown.'
    )
    condition = models.CharField(
        max_length=120,
        blank=True,
        help_text='The condition the article is about, e.g. "Heterotopic calcifications". '
        "The A-Z index and structured data use it; when empty they use the title.",
    )
    alternative_names = models.TextField(
        blank=True,
        help_text='Other names readers know the condition by, one per line, e.g. "Ectopic '
        'calcifications" or "Ringing in the ears": cross-references in the A-Z index, '
        "alternate names in structured data, and found by search.",
    )
    status = models.CharField(
        max_length=20,
        choices=ArticleStatus,
        default=ArticleStatus.DRAFT,
        help_text="Draft: being written. In review: handed to the reviewers, read-only for "
        "its author. Readers see only published versions, whatever the status.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)
    comments_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="When the comments readers see last changed (pages cached before are stale).",
    )
    published_comments = models.PositiveIntegerField(
        default=0, editable=False, help_text="Approved comments readers see, not withdrawn."
    )
    published_threads = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Approved top-level comments, withdrawn ones included (they keep their "
        "place): the threads the article page shows, page by page.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ArticleStatus.values), name="article_status_valid"
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, unpublish and schedule articles"),
            ("review_article", "Can record a medical review sign-off"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Browsers send textarea line breaks as CRLF: store LF, so an untouched text compares
        # equal to the revision before it.
        self.intro = normalize_newlines(self.intro)
        self.conclusion = normalize_newlines(self.conclusion)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The public address; it answers once a version is live (renamed ones redirect)."""
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def content(self, *, sections=None, references=None):
        """Everything a reviewer signs off, as plain data: text, sections and references.

        ``sections`` and ``references`` are the rows when the caller has them already
        (prefetched, or just written); otherwise they are read.
        """
        sections = self.sections.all() if sections is None else sections
        references = self.references.all() if references is None else references
        return {
            "title": self.title,
            "slug": self.slug,
            "category_id": self.category_id,
            "author_id": self.author_id,
            "condition": self.condition,
            "alternative_names": self.alternative_names,
            "intro": self.intro,
            "conclusion": self.conclusion,
            "sections": [
                {
                    "position": section.position,
                    "heading": section.heading,
                    "anchor": section.anchor,
                    "kind": section.kind,
                    "body": section.body,
                }
                for section in sorted(sections, key=lambda s: s.position)
            ],
            "references": [
                {
                    "position": reference.position,
                    "text": reference.text,
                    "url": reference.url,
                    "doi": reference.doi,
                    "pubmed_id": reference.pubmed_id,
                    "accessed": reference.accessed.isoformat() if reference.accessed else "",
                }
                for reference in sorted(references, key=lambda r: r.position)
            ],
        }


def fingerprint(content):
    """A hash of a revision's content: equal content, equal fingerprint."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class SectionKind(models.TextChoices):
    OVERVIEW = "overview", "Overview"
    CAUSES = "causes", "Causes"
    SYMPTOMS = "symptoms", "Symptoms"
    DIAGNOSIS = "diagnosis", "Diagnosis"
    TREATMENT = "treatment", "Treatment"
    PREVENTION = "prevention", "Prevention"
    COMPLICATIONS = "complications", "Complications"
    # "When to see a doctor", "Call 999 if ...": shown as a callout that stands out.
    URGENT = "urgent", "Urgent advice"
    OTHER = "other", "Other"


# The most rows of each kind an article holds: its admin form, with every row, stays within
# DATA_UPLOAD_MAX_NUMBER_FIELDS (about nine fields a row), and the importer refuses more.
MAX_SECTIONS = 60
MAX_REFERENCES = 100


class Section(models.Model):
    Kind = SectionKind

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(help_text="Order on the page, from 1.")
    heading = models.CharField(max_length=200)
    anchor = models.SlugField(
        max_length=200, help_text='The link target in the table of contents, e.g. "treatment".'
    )
    kind = models.CharField(
        max_length=20,
        choices=SectionKind,
        default=SectionKind.OTHER,
        help_text="What the section is about; search and structured data use it.",
    )
    body = models.TextField(
        blank=True,
        help_text='Markdown. A list item with a bold lead term reads "- **Term:** description".',
    )

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="section_position_unique_per_article"
            ),
            models.UniqueConstraint(
                fields=["article", "anchor"], name="section_anchor_unique_per_article"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SectionKind.values), name="section_kind_valid"
            ),
        ]

    def __str__(self):
        return self.heading

    def save(self, *args, **kwargs):
        self.body = normalize_newlines(self.body)  # see Article.save
        super().save(*args, **kwargs)


def validate_web_url(value):
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError("Only http:// and https:// links are allowed.", code="url_scheme")


class ReferenceQuerySet(models.QuerySet):
    def with_checked_url(self):
        """Annotate ``checked_url``: the address the link checker requests (the URL, else the
        DOI's doi.org address)."""
        return self.annotate(
            checked_url=models.Case(
                models.When(~models.Q(url=""), then="url"),
                models.When(~models.Q(doi=""), then=Concat(models.Value(DOI_PREFIX), "doi")),
                default=models.Value(""),
            )
        )

    def broken(self):
        """References whose link the last check found broken, with ``check`` data annotated."""
        broken = ReferenceCheck.objects.filter(is_broken=True, url=models.OuterRef("checked_url"))
        return (
            self.with_checked_url()
            .annotate(
                broken_since=models.Subquery(broken.values("broken_since")[:1]),
                check_error=models.Subquery(broken.values("error")[:1]),
                check_status=models.Subquery(broken.values("status_code")[:1]),
            )
            .filter(broken_since__isnull=False)
        )


DOI_PREFIX = "https://doi.org/"


class Reference(models.Model):
    """One numbered citation; section text cites it as ``[n]`` with n its position."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveIntegerField(help_text="Its number: text cites it as [1], [2], ...")
    text = models.CharField(
        max_length=500,
        help_text='The citation, e.g. "Meyers C. Heterotopic ossification. J Bone Surg. 2019".',
    )
    url = models.URLField(
        "URL",
        max_length=500,
        blank=True,
        validators=[validate_web_url],
        help_text="An http:// or https:// link to the source, if any.",
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[RegexValidator(r"^10\.\d{4,9}/\S+$", "A DOI looks like 10.1000/xyz123.")],
        help_text="e.g. 10.1000/xyz123",
    )
    pubmed_id = models.CharField(
        "PubMed id",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{1,12}$", "A PubMed id is a number, e.g. 31452104.")],
    )
    accessed = models.DateField(null=True, blank=True, help_text="When the link was last read.")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="reference_position_unique_per_article"
            ),
            models.CheckConstraint(
                condition=models.Q(url="")
                | models.Q(url__startswith="http://")
                | models.Q(url__startswith="https://"),
                name="reference_url_is_web_link",
            ),
        ]

    def __str__(self):
        return f"[{self.position}] {self.text}"

    @property
    def anchor(self):
        return f"ref-{self.position}"

    @property
    def doi_url(self):
        return f"{DOI_PREFIX}{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pubmed_id}/" if self.pubmed_id else ""


class BrokenReference(Reference):
    """References whose link was found broken, for the editors' admin list."""

    class Meta:
        proxy = True
        verbose_name = "broken reference"
        verbose_name_plural = "broken references"


class ReferenceCheck(models.Model):
    """The last check of one cited address (a reference's URL or DOI link)."""

    url = models.CharField("address", max_length=520, unique=True)
    is_broken = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)
    broken_since = models.DateTimeField(
        null=True, blank=True, help_text="When checks started failing; empty while it works."
    )

    class Meta:
        ordering = ["url"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_broken=False, broken_since__isnull=True)
                | models.Q(is_broken=True, broken_since__isnull=False),
                name="reference_check_broken_since_when_broken",
            )
        ]

    def __str__(self):
        return self.url


# Revisions and the workflow's audit trail --------------------------------------------------


class ImmutableRowError(Exception):
    """Revisions and published versions are written once and never changed."""


class Revision(models.Model):
    """The working copy's content at one save: immutable, numbered from 1 per article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    content = models.JSONField(help_text="Title, text, sections and references as saved.")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the content.")
    summary = models.CharField(
        max_length=500, help_text='What changed since the previous revision, e.g. "Changed intro".'
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for a command (an import) or once the account is deleted.",
    )

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="revision_number_unique_per_article"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="revision_number_from_1"
            ),
        ]

    def __str__(self):
        return f"Revision {self.number} of {self.article}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRowError("A revision is never changed; record a new one.")
        super().save(*args, **kwargs)

    @property
    def author_label(self):
        return self.created_by.get_username() if self.created_by else "an import or command"


class EventAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted for review"
    SENT_BACK = "sent_back", "Sent back to the author"
    SIGNED_OFF = "signed_off", "Medical review signed off"
    PUBLISHED = "published", "Published"
    SCHEDULED = "scheduled", "Scheduled"
    UNPUBLISHED = "unpublished", "Unpublished"
    RESTORED = "restored", "Restored an earlier revision"


class ArticleEvent(models.Model):
    """One workflow step on an article: who, what, when, on which revision, and why."""

    Action = EventAction

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=EventAction)
    # RESTRICT: a revision an event names stays, unless its whole article is deleted (a draft
    # readers never saw, with its history).
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.RESTRICT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for a command or once the account is deleted.",
    )
    note = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        "authors.Author",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a sign-off: the clinician who reviewed the revision.",
    )
    reviewed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=EventAction.values), name="article_event_action_valid"
            ),
            # A sign-off names the clinician, the date and the exact revision; nothing else does.
            models.CheckConstraint(
                condition=(
                    models.Q(action=EventAction.SIGNED_OFF)
                    & models.Q(reviewer__isnull=False)
                    & models.Q(reviewed_on__isnull=False)
                    & models.Q(revision__isnull=False)
                )
                | (
                    ~models.Q(action=EventAction.SIGNED_OFF)
                    & models.Q(reviewer__isnull=True)
                    & models.Q(reviewed_on__isnull=True)
                ),
                name="article_event_sign_off_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(action=EventAction.SENT_BACK) | ~models.Q(note=""),
                name="article_event_sent_back_has_note",
            ),
        ]
        indexes = [models.Index(fields=["article", "action", "-created_at"], name="event_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.article}"

    @property
    def actor_label(self):
        return self.actor.get_username() if self.actor else "a command"


# What readers see ------------------------------------------------------------------------


@dataclass(frozen=True)
class PageTerm:
    name: str
    slug: str


@dataclass(frozen=True)
class PageSection:
    """A section as published: heading, anchor, kind, rendered body and list terms."""

    position: int
    heading: str
    anchor: str
    kind: str
    body_html: str
    terms: tuple[PageTerm, ...] = field(default_factory=tuple)

    @property
    def is_urgent(self):
        return self.kind == SectionKind.URGENT

    @property
    def term_index_url(self):
        index = TERM_INDEXES.get(self.kind)
        return reverse(index[0]) if index else ""


@dataclass(frozen=True)
class PageChange:
    date: datetime.date
    note: str


class PublishedVersionQuerySet(models.QuerySet):
    def live(self, now=None):
        """The versions readers see at ``now``: at most one per article."""
        return self.filter(live_condition(now=now))

    def scheduled(self, now=None):
        """Versions waiting for their publication time (cancelled ones excluded)."""
        now = now or timezone.now()
        return self.filter(live_from__gt=now).filter(
            models.Q(live_until__isnull=True) | models.Q(live_until__gt=models.F("live_from"))
        )

    def ever_live(self, now=None):
        """Versions that readers saw at some time up to ``now``."""
        now = now or timezone.now()
        return self.filter(live_from__lte=now).filter(
            models.Q(live_until__isnull=True) | models.Q(live_until__gt=models.F("live_from"))
        )

    def for_author(self, author):
        return self.filter(author=author)

    def with_comment_count(self):
        """``comment_count``: the published comments of each version's article (kept on the
        article row). A subquery, not a join: counting a list's rows then drops it, and reads
        only the index of live versions."""
        published = Article.objects.filter(pk=models.OuterRef("article_id")).order_by()
        return self.annotate(comment_count=models.Subquery(published.values("published_comments")))

    def without_search_columns(self):
        """Without the search index's columns: pages never show them, and they are the biggest
        (stored out of line, so reading them costs extra reads per row)."""
        return self.defer("search_text", "search_vector", "head_vector")

    def without_page_body(self):
        """Without the rendered text that only the article page shows."""
        return self.defer("body_html")

    def with_byline(self):
        """Category, author and the author's primary affiliation, in fixed queries."""
        return (
            self.select_related("category", "author")
            .without_search_columns()
            .without_page_body()
            .with_comment_count()
            .prefetch_related(
                Prefetch(
                    "author__affiliation_links",
                    queryset=AuthorAffiliation.objects.primary().select_related("affiliation"),
                    to_attr="primary_affiliation_links",
                )
            )
        )

    def with_review(self):
        """The medical reviewer and their primary affiliation, in fixed queries."""
        return self.select_related("reviewed_by").prefetch_related(
            Prefetch(
                "reviewed_by__affiliation_links",
                queryset=AuthorAffiliation.objects.primary().select_related("affiliation"),
                to_attr="primary_affiliation_links",
            )
        )

    def with_byline_places(self):
        """Author and medical reviewer with their primary affiliations, joined into the
        version's own row (one per author, a constraint says): the article page's byline and
        review box without a query of their own. ``attach_byline_places()`` hands them on."""
        return self.annotate(
            author_place=models.FilteredRelation(
                "author__affiliation_links",
                condition=models.Q(author__affiliation_links__is_primary=True),
            ),
            reviewer_place=models.FilteredRelation(
                "reviewed_by__affiliation_links",
                condition=models.Q(reviewed_by__affiliation_links__is_primary=True),
            ),
        ).select_related(
            "author", "reviewed_by", "author_place__affiliation", "reviewer_place__affiliation"
        )

    def with_comment_state(self):
        """Annotate ``comments_closed`` (an editor closed them) and ``approved_threads`` (the
        number of approved top-level comments, kept on the article row), so the comment block
        needs no extra count."""
        closed = CommentSettings.objects.filter(
            article=models.OuterRef("article_id"), comments_open=False
        )
        article = Article.objects.filter(pk=models.OuterRef("article_id")).order_by()
        return self.annotate(
            comments_closed=models.Exists(closed),
            approved_threads=models.Subquery(article.values("published_threads")),
        )

    def newest_first(self):
        """Newest first publication first: the order of "Latest articles" and the feeds."""
        return self.order_by("-first_published_at", "-pk")

    def with_az_name(self):
        """Annotate ``az_name`` (the condition, else the title), its initial ``az_letter``, and
        ``az_key``, what the A-Z sorts by (lower case, in ``in_code_point_order``)."""
        name = listed_name()
        return self.annotate(az_name=name, az_letter=Upper(Left(name, 1)), az_key=Lower(name))

    def in_az_order(self):
        """A-Z by ``az_key`` (``with_az_name()``), character by character, so that Python
        places other names among the rows as the database ordered them."""
        return self.order_by(in_code_point_order(models.F("az_key")), "pk")

    def names_starting(self, prefix, limit=8):
        """Condition names (and other names) of live versions that start with ``prefix``,
        A-Z, at most ``limit``: the header search's suggestions. One query."""
        rows = (
            self.filter(
                models.Q(condition__istartswith=prefix)
                | models.Q(alternative_names__iregex=rf"(^|\n){re.escape(prefix)}")
            )
            .order_by("condition", "pk")
            .values_list("condition", "alternative_names")[: limit * 4]
        )
        lowered = prefix.lower()
        names = {
            name
            for condition, others in rows
            for name in [condition, *split_names(others)]
            if name.lower().startswith(lowered)
        }
        return sorted(names, key=str.lower)[:limit]

    def az_letters_and_other_names(self):
        """In one query, for an A-Z built on ``with_az_name()``: the distinct initials, and
        for each version with other names, (initial, other names, the same lower-cased by the
        database as ``az_key`` is, az_name, slug). Rows of versions without other names
        collapse to one per initial."""
        has_names = ~models.Q(alternative_names="")

        def only_with_names(field):
            return models.Case(models.When(has_names, then=field), default=models.Value(""))

        return (
            self.order_by()
            .values_list(
                "az_letter",
                "alternative_names",
                Lower("alternative_names"),
                only_with_names(models.F("az_name")),
                only_with_names(models.F("slug")),
            )
            .distinct()
        )

    def due_for_review(self, today=None):
        """Versions whose next medical review date has come."""
        today = today or timezone.localdate()
        cutoff = add_months(today, -settings.REVIEW_INTERVAL_MONTHS)
        return self.filter(reviewed_on__lte=cutoff)

    def related_to(self, article_id):
        """The live versions of the articles listed as related to ``article_id``, in order.

        The lists are computed in the background (``articles.related``), so a page reads them
        with one indexed join however many articles there are.
        """
        return (
            self.filter(article__related_from__source_id=article_id)
            # A link each: not the versions' text, read for every page view.
            .only("title", "slug")
            .order_by("article__related_from__position")
        )


class PublishedVersion(models.Model):
    """An immutable published version of an article: exactly the text a clinician signed off.

    Written only by ``articles.workflow`` (publish, schedule) and rendered once then. Readers see
    the version whose ``live_from`` has come and whose ``live_until`` has not; publishing a newer
    version or unpublishing sets ``live_until`` on the old one, and nothing else ever changes
    but the stored rendering of the same text (``manage.py render_version_bodies``). The
    sign-off is part of the row and cannot be empty: no reviewer, no version.
    """

    # PROTECT: an article readers have seen is unpublished, never deleted.
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="published_versions"
    )
    number = models.PositiveIntegerField(help_text="1 for the first published version, and so on.")
    revision = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        related_name="published_versions",
        help_text="The revision the reviewer signed off, published as it was.",
    )
    sign_off = models.ForeignKey(
        ArticleEvent,
        on_delete=models.PROTECT,
        related_name="published_versions",
        help_text="The sign-off of that revision.",
    )
    reviewed_by = models.ForeignKey(
        "authors.Author",
        on_delete=models.PROTECT,
        related_name="reviewed_versions",
        verbose_name="medically reviewed by",
    )
    reviewed_on = models.DateField("last reviewed")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="published_versions"
    )
    author = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, related_name="published_versions"
    )
    condition = models.CharField(max_length=120, blank=True)
    alternative_names = models.TextField(blank=True, help_text="One per line.")
    summary = models.TextField(help_text="The intro as plain text, cut short: cards and meta tags.")
    intro_html = models.TextField()
    conclusion_html = models.TextField(blank=True)
    sections = models.JSONField(help_text="Headings, anchors, kinds, rendered bodies and terms.")
    references = models.JSONField(default=list, blank=True)
    changes = models.JSONField(
        default=list, blank=True, help_text='The "What changed" log up to this version.'
    )
    # The above (but the "What changed" log) as the page shows it, rendered at publication
    # (``articles.versions``), with the digest of the template that rendered it: a page renders
    # the text anew only when that template has changed since.
    # Defaults in the database too: the previous release's code inserts versions without them
    # while a deploy runs.
    body_html = models.TextField(blank=True, editable=False, default="", db_default="")
    body_digest = models.CharField(
        max_length=16, blank=True, editable=False, default="", db_default=""
    )

    change_note = models.CharField(
        max_length=200, help_text='One line for readers: "What changed".'
    )
    first_published_at = models.DateTimeField(help_text="When the article first went live.")
    live_from = models.DateTimeField(help_text="Readers see this version from this time on.")
    live_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a newer version replaces this one or the article is unpublished.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Search (articles/search.py): the plain text; on PostgreSQL the weighted tsvector of it all,
    # which finds matches, and a small one of title, condition and intro, which ranks them.
    search_text = models.TextField(default="")
    search_vector = SearchVectorField(null=True)
    head_vector = SearchVectorField(null=True)

    objects = PublishedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = "published version"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="version_number_unique_per_article"
            ),
            models.CheckConstraint(
                condition=~models.Q(reviewed_by=models.F("author")),
                name="version_reviewer_is_not_author",
            ),
            models.CheckConstraint(
                condition=models.Q(live_until__isnull=True)
                | models.Q(live_until__gte=models.F("live_from")),
                name="version_live_until_after_live_from",
            ),
            models.CheckConstraint(
                condition=~models.Q(change_note=""), name="version_has_change_note"
            ),
        ]
        indexes = [
            models.Index(fields=["live_from", "live_until"], name="version_live_idx"),
            models.Index(fields=["live_until"], name="version_live_until_idx"),
            # Live versions per category, counted from the index alone (the id is what the
            # count reads): the home page's and the sitemap's category counts.
            models.Index(
                fields=["category", "live_from", "live_until", "id"],
                name="version_category_live_idx",
            ),
            # Newest first, ties by id: lists and the ranked search candidates stop early.
            models.Index(fields=["-first_published_at", "-id"], name="version_newest_idx"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.number})"

    def save(self, *args, **kwargs):
        # Only ``articles.workflow`` ends a version's time (``live_until``), by an UPDATE.
        if not self._state.adding:
            raise ImmutableRowError("A published version is never changed; publish a new one.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def comment_count_label(self):
        """ "3 comments", from ``with_comment_count()``."""
        count = getattr(self, "comment_count", None)
        if count is None:
            return ""
        return "No comments yet" if not count else f"{count} comment{'s' if count != 1 else ''}"

    @cached_property
    def page_sections(self):
        return [
            PageSection(
                position=data["position"],
                heading=data["heading"],
                anchor=data["anchor"],
                kind=data["kind"],
                body_html=data["body_html"],
                terms=tuple(PageTerm(term["name"], term["slug"]) for term in data["terms"]),
            )
            for data in self.sections
        ]

    @cached_property
    def page_references(self):
        return [
            Reference(
                position=data["position"],
                text=data["text"],
                url=data["url"],
                doi=data["doi"],
                pubmed_id=data["pubmed_id"],
                accessed=datetime.date.fromisoformat(data["accessed"])
                if data["accessed"]
                else None,
            )
            for data in self.references
        ]

    @cached_property
    def page_changes(self):
        return [
            PageChange(datetime.date.fromisoformat(data["date"]), data["note"])
            for data in self.changes
        ]

    @property
    def index_name(self):
        """The name the A-Z index sorts and files the article under."""
        return self.condition or self.title

    @property
    def alternative_name_list(self):
        return split_names(self.alternative_names)

    def is_named(self, words):
        """Whether ``words`` are the condition's name or one of its other names, ignoring
        case and spacing."""
        wanted = " ".join(words.split()).casefold()
        names = [self.condition, *self.alternative_name_list]
        return any(" ".join(name.split()).casefold() == wanted for name in names if name)

    def attach_byline_places(self):
        """Give the author and the medical reviewer the primary affiliations read with the
        version, for ``Author.primary_affiliation``. Only for a version read
        ``with_byline_places()``: on another, both would seem to have none."""
        for person, place in ((self.author, "author_place"), (self.reviewed_by, "reviewer_place")):
            # Django sets the attribute only when the join found a row.
            link = getattr(self, place, None)
            person.primary_affiliation_links = [link] if link else []

    @property
    def is_live(self):
        now = timezone.now()
        return (
            self.live_from is not None
            and self.live_from <= now
            and (self.live_until is None or self.live_until > now)
        )

    @property
    def next_review_due(self):
        """The date of the next medical review, ``REVIEW_INTERVAL_MONTHS`` after the last."""
        return add_months(self.reviewed_on, settings.REVIEW_INTERVAL_MONTHS)

    @property
    def is_due_for_review(self):
        return self.next_review_due <= timezone.localdate()

    @property
    def updated_later(self):
        """Whether this version went live on a later day than the article first did."""
        return timezone.localdate(self.live_from) != timezone.localdate(self.first_published_at)


class RelatedArticle(models.Model):
    """One entry of an article's "Related articles" list, computed from shared list terms.

    Rebuilt in the background when the article is published and daily for every live article
    (``articles.related``); a page shows only the entries whose article is live.
    """

    source = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_to")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_from")
    position = models.PositiveSmallIntegerField()
    shared_terms = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "related"], name="related_article_once"),
            models.UniqueConstraint(fields=["source", "position"], name="related_article_position"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("related")), name="related_article_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.source} → {self.related}"


class PageGeneration(models.Model):
    """A number per table behind the public pages' cache stamps, changed by the database itself.

    Triggers (migration 0014) change a table's number in the same transaction as any write to
    it, whoever writes (a view, the admin, a command, a bulk update), so a process may keep the
    stamps it read while the numbers stay the same (``articles.page_cache``).
    """

    table = models.CharField(max_length=63, primary_key=True)
    value = models.BigIntegerField()

    def __str__(self):
        return f"{self.table}: {self.value}"


class ArticleDueForReview(PublishedVersion):
    """Live versions past their review date, for the editors' admin list."""

    class Meta:
        proxy = True
        verbose_name = "article due for review"
        verbose_name_plural = "articles due for review"


class VersionTermQuerySet(models.QuerySet):
    def live(self, now=None):
        """Terms of the versions readers see now."""
        return self.filter(version__in=PublishedVersion.objects.live(now))

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def initial_in(self, letter):
        """Terms filed under ``letter``: A to Z by their initial, "#" for any other initial."""
        initials = self.annotate(initial=Upper(Left("name", 1)))
        return initials.filter(filed_under_letter("initial", letter))

    def entries(self):
        """One row per term (its slug): ``term``, one spelling of its name; A-Z (lower case,
        in ``in_code_point_order``), terms filed under "#" last: a term index's entries."""
        letters = list(string.ascii_uppercase)
        return (
            self.order_by()
            .values("slug")
            .annotate(term=models.Min("name"))
            .annotate(term_initial=Upper(Left("term", 1)))
            .annotate(
                filed_last=models.Case(
                    models.When(term_initial__in=letters, then=models.Value(False)),
                    default=models.Value(True),
                ),
                key=Lower("term"),
            )
            .order_by("filed_last", in_code_point_order(models.F("key")), "slug")
        )

    def initials(self):
        """The distinct initials of these terms, upper-cased."""
        return self.order_by().values_list(Upper(Left("name", 1)), flat=True).distinct()

    def for_index(self, shown):
        """A term index's rows, in one query: (term slug, term name, article slug, title,
        condition, the number of articles naming the term), by term and then condition A-Z,
        with at most ``shown`` articles a term, so the index stays small however many
        articles share a term."""
        name = Lower(listed_name("version__"))
        by_term = {"partition_by": [models.F("slug")]}
        return (
            self.annotate(
                place=Window(RowNumber(), order_by=[name.asc(), models.F("version_id")], **by_term),
                articles=Window(models.Count("pk"), **by_term),
            )
            .filter(place__lte=shown)
            .order_by("slug", "place")
            .values_list(
                "slug", "name", "version__slug", "version__title", "version__condition", "articles"
            )
        )


class VersionTerm(models.Model):
    """One list item's term ("Joint stiffness") in a published version's section of one kind.

    The term indexes and related articles query these rows; the page itself reads the terms
    from the version's ``sections``.
    """

    version = models.ForeignKey(PublishedVersion, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=20, choices=SectionKind)
    position = models.PositiveIntegerField(help_text="Order in the version, from 1.")
    name = models.CharField(max_length=200, help_text='e.g. "Joint stiffness".')
    slug = models.SlugField(max_length=200, help_text="Groups the same term across articles.")

    objects = VersionTermQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind", "slug"], name="version_term_unique_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SectionKind.values), name="version_term_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["kind", "slug"], name="version_term_kind_slug_idx")]

    def __str__(self):
        return self.name


def add_months(day, months):
    """``day`` moved by ``months`` calendar months, clamped to the end of shorter months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


SYNONYMS_PER_GROUP = 20
SYNONYM_MAX_LENGTH = 100


class SynonymQuerySet(models.QuerySet):
    def groups(self):
        """Each row's names, lower-cased: the words and phrases search treats as one."""
        return [
            tuple(name.lower() for name in split_names(names))
            for names in self.values_list("names", flat=True)
        ]


class Synonym(models.Model):
    """Words and phrases readers use for one thing: British and American spellings
    ("anaemia", "anemia"), lay and medical terms ("heart attack", "myocardial infarction").
    Search finds an article by any of them (``articles.synonyms``)."""

    names = models.TextField(
        help_text="Two or more words or phrases that mean the same to readers, one per line, "
        'e.g. "anaemia" and "anemia" (at most 20, of at most 100 characters each).'
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SynonymQuerySet.as_manager()

    class Meta:
        ordering = ["names"]

    def __str__(self):
        return " = ".join(split_names(self.names))

    def clean(self):
        names = split_names(self.names)
        if len({name.casefold() for name in names}) < 2:
            raise ValidationError({"names": "Give at least two different names, one per line."})
        # Search expands a reader's query by every name of a group it meets: a long group
        # would make each such search slow.
        if len(names) > SYNONYMS_PER_GROUP:
            raise ValidationError(
                {"names": f"A group holds at most {SYNONYMS_PER_GROUP} names: split it up."}
            )
        if too_long := [name for name in names if len(name) > SYNONYM_MAX_LENGTH]:
            raise ValidationError(
                {
                    "names": f"A name has at most {SYNONYM_MAX_LENGTH} characters: "
                    f"“{too_long[0][:40]}…” is longer."
                }
            )
