import datetime
import hashlib
from operator import attrgetter

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Prefetch
from django.db.models.functions import Coalesce, Left, NullIf, Upper
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .rendering import render_markdown
from .search import update_search_index
from .terms import TERM_INDEXES, save_section_terms


class CategoryQuerySet(models.QuerySet):
    def with_published_counts(self):
        """Categories that have published articles, each with ``published_count``."""
        published = models.Q(articles__in=Article.objects.published())
        return self.annotate(published_count=models.Count("articles", filter=published)).filter(
            published_count__gt=0
        )


class Category(models.Model):
    name = models.CharField(
        max_length=100, unique=True, help_text='For example "Symptom Database".'
    )
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the category's URL.")
    description = models.TextField(blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    @staticmethod
    def published_q():
        """The condition of being public, shared by ``published`` and ``visible_to``."""
        return models.Q(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def published(self):
        """Articles a reader may see: published, with a publication time that has come."""
        return self.filter(self.published_q())

    def visible_to(self, user):
        """What ``user`` may open: everything for editors, their own drafts too for authors."""
        if not (user.is_active and user.is_staff):
            return self.published()
        if is_editor(user):
            return self.all()
        if user.has_perm("articles.change_article"):
            return self.filter(self.published_q() | models.Q(author__user=user))
        return self.published()

    def editable_by(self, user):
        """The articles ``user`` may work on in the admin: all for editors, else their own."""
        if is_editor(user):
            return self.all()
        return self.filter(author__user=user) if user.is_authenticated else self.none()

    def due_for_review(self, today=None):
        """Published articles whose next review date has come (never reviewed counts too)."""
        today = today or timezone.localdate()
        cutoff = add_months(today, -settings.REVIEW_INTERVAL_MONTHS)
        return self.published().filter(
            models.Q(last_reviewed__isnull=True) | models.Q(last_reviewed__lte=cutoff)
        )

    def with_review(self):
        """The reviewer, the references and the change log, fetched in fixed queries."""
        from authors.models import AuthorAffiliation

        return self.select_related("reviewed_by").prefetch_related(
            Prefetch(
                "reviewed_by__affiliation_links",
                queryset=AuthorAffiliation.objects.primary().select_related("affiliation"),
                to_attr="primary_affiliation_links",
            ),
            Prefetch("references", queryset=Reference.objects.order_by("position")),
            Prefetch("changes", queryset=ChangeLogEntry.objects.order_by("-date", "-pk")),
        )

    def for_author(self, author):
        return self.filter(author=author)

    def with_byline(self):
        """Category, author and the author's primary affiliation, fetched in fixed queries."""
        from authors.models import AuthorAffiliation

        return self.select_related("category", "author").prefetch_related(
            Prefetch(
                "author__affiliation_links",
                queryset=AuthorAffiliation.objects.primary().select_related("affiliation"),
                to_attr="primary_affiliation_links",
            )
        )

    def with_sections(self):
        return self.prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position"))
        )

    def latest(self):
        return self.order_by("-published_at", "-pk")

    def with_az_name(self):
        """Annotate ``az_name`` (the condition, else the title) and its initial ``az_letter``."""
        return self.annotate(
            az_name=Coalesce(NullIf("condition", models.Value("")), "title"),
            az_letter=Upper(Left(Coalesce(NullIf("condition", models.Value("")), "title"), 1)),
        )

    def related_to(self, article, limit=5):
        """Up to ``limit`` other articles sharing the most section terms, then the category."""
        terms = SectionTerm.objects.filter(section__article=article).values("slug")
        shared = (
            SectionTerm.objects.filter(section__article=models.OuterRef("pk"), slug__in=terms)
            .order_by()
            .values("section__article")
            .annotate(count=models.Count("slug", distinct=True))
            .values("count")
        )
        return (
            self.exclude(pk=article.pk)
            .annotate(
                shared_terms=Coalesce(models.Subquery(shared), 0),
                same_category=models.Case(
                    models.When(category_id=article.category_id, then=1), default=0
                ),
            )
            .filter(models.Q(shared_terms__gt=0) | models.Q(same_category=1))
            .select_related("category")
            .order_by("-shared_terms", "-same_category", "-published_at", "pk")[:limit]
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(
        max_length=200,
        help_text="A question readers ask, e.g. "
        '"What are the causes and treatment options for heterotopic calcifications?"',
    )
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the article's URL.")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    author = models.ForeignKey("authors.Author", on_delete=models.PROTECT, related_name="articles")
    intro = models.TextField(help_text="The opening paragraphs, in Markdown.")
    intro_html = models.TextField(editable=False, default="")
    conclusion = models.TextField(
        blank=True, help_text='The closing paragraph ("In conclusion, ..."), in Markdown.'
    )
    conclusion_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Readers see the article from this time on."
    )
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When a clinician last checked the content."
    )
    reviewed_by = models.ForeignKey(
        "authors.Author",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_articles",
        verbose_name="medically reviewed by",
        help_text="The clinician who signed off the content; never the article's own author.",
    )
    reviewed_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="The content fingerprint the reviewer signed off; publishing needs a match.",
    )
    condition = models.CharField(
        max_length=120,
        blank=True,
        help_text='The condition the article is about, e.g. "Heterotopic calcifications". '
        "The A-Z index and structured data use it; when empty they use the title.",
    )
    # The search index (articles/search.py): plain text of intro, sections and conclusion, and
    # on PostgreSQL a weighted tsvector; both refreshed whenever the article or a section is saved.
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "intro_html",
            "conclusion_html",
            "updated_at",
            "search_text",
            "search_vector",
        ],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = ["-published_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "in_review", "published"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(reviewed_by=models.F("author")),
                name="article_reviewer_is_not_author",
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, unpublish and schedule articles"),
            ("review_article", "Can record a medical review sign-off"),
        ]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_status_pub_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.intro_html = render_markdown(self.intro, citations=True)
        self.conclusion_html = render_markdown(self.conclusion, citations=True)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        with transaction.atomic():
            super().save(*args, **kwargs)
            update_search_index(self.pk)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.reviewed_by_id and self.reviewed_by_id == self.author_id:
            raise ValidationError(
                {"reviewed_by": "The medical reviewer must be someone other than the author."}
            )

    @property
    def index_name(self):
        """The name the A-Z index sorts and files the article under."""
        return self.condition or self.title

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def next_review_due(self):
        """The date of the next medical review, ``REVIEW_INTERVAL_MONTHS`` after the last."""
        if self.last_reviewed is None:
            return None
        return add_months(self.last_reviewed, settings.REVIEW_INTERVAL_MONTHS)

    def content_fingerprint(self):
        """A hash of everything a reviewer signs off: text, sections and references."""
        digest = hashlib.sha256()
        parts = [self.title, self.intro, self.conclusion]
        # .all() uses the article page's prefetched rows; sorting here keeps the order stable.
        by_position = attrgetter("position")
        for section in sorted(self.sections.all(), key=by_position):
            parts += [str(section.position), section.heading, section.kind, section.body]
        for reference in sorted(self.references.all(), key=by_position):
            parts += [str(reference.position), reference.text, reference.url]
            parts += [reference.doi, reference.pubmed_id]
        for part in parts:
            digest.update(part.encode())
            digest.update(b"\x00")
        return digest.hexdigest()

    @property
    def review_is_current(self):
        """Whether the sign-off on record covers the content as it is now."""
        return bool(self.reviewed_fingerprint) and (
            self.reviewed_fingerprint == self.content_fingerprint()
        )

    @property
    def review_is_stale(self):
        """Signed off once, but the text has changed since: readers are told so."""
        return bool(self.reviewed_fingerprint) and not self.review_is_current


class ArticleDueForReview(Article):
    """Published articles past their review date, for the editors' admin list."""

    class Meta:
        proxy = True
        verbose_name = "article due for review"
        verbose_name_plural = "articles due for review"


class Section(models.Model):
    class Kind(models.TextChoices):
        OVERVIEW = "overview", "Overview"
        CAUSES = "causes", "Causes"
        SYMPTOMS = "symptoms", "Symptoms"
        DIAGNOSIS = "diagnosis", "Diagnosis"
        TREATMENT = "treatment", "Treatment"
        PREVENTION = "prevention", "Prevention"
        COMPLICATIONS = "complications", "Complications"
        OTHER = "other", "Other"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(help_text="Order on the page, from 1.")
    heading = models.CharField(max_length=200)
    anchor = models.SlugField(
        max_length=200, help_text='The link target in the table of contents, e.g. "treatment".'
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind,
        default=Kind.OTHER,
        help_text="What the section is about; search and structured data use it.",
    )
    body = models.TextField(
        blank=True,
        help_text='Markdown. A list item with a bold lead term reads "- **Term:** description".',
    )
    body_html = models.TextField(editable=False, default="")

    history = HistoricalRecords(excluded_fields=["body_html"])

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
                condition=models.Q(
                    kind__in=[
                        "overview",
                        "causes",
                        "symptoms",
                        "diagnosis",
                        "treatment",
                        "prevention",
                        "complications",
                        "other",
                    ]
                ),
                name="section_kind_valid",
            ),
        ]

    def __str__(self):
        return self.heading

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body, citations=True)
        with transaction.atomic():
            super().save(*args, **kwargs)
            save_section_terms(self)
            update_search_index(self.article_id)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            update_search_index(self.article_id)
        return result


class SectionTermQuerySet(models.QuerySet):
    def published(self):
        """Terms of sections whose article readers may see."""
        return self.filter(section__article__in=Article.objects.published())

    def of_kind(self, kind):
        return self.filter(section__kind=kind)


class SectionTerm(models.Model):
    """One list item's term in a section ("Joint stiffness"), derived when the section is saved.

    The symptom index, related articles and structured data read these rows, so that no page
    parses Markdown per request.
    """

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="terms")
    position = models.PositiveIntegerField(help_text="Order in the section, from 1.")
    name = models.CharField(
        max_length=200, help_text='The bold lead term or the whole item, e.g. "Joint stiffness".'
    )
    slug = models.SlugField(max_length=200, help_text="Groups the same term across articles.")

    objects = SectionTermQuerySet.as_manager()

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="section_term_position_unique"
            )
        ]
        indexes = [models.Index(fields=["slug"], name="section_term_slug_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The term's entry in its kind's index, when the kind has one."""
        index = TERM_INDEXES.get(self.section.kind)
        return f"{reverse(index[0])}#{self.slug}" if index else ""


def is_editor(user):
    """Editors review, publish and see every article; the permission says who they are."""
    return user.is_active and user.has_perm("articles.publish_article")


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


def validate_web_url(value):
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError("Only http:// and https:// links are allowed.", code="url_scheme")


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

    history = HistoricalRecords()

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
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pubmed_id}/" if self.pubmed_id else ""


class ChangeLogEntry(models.Model):
    """One line of an article's public "What changed" log, written when it is published."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="changes")
    date = models.DateField(default=timezone.localdate)
    note = models.CharField(
        max_length=200, help_text='One line for readers, e.g. "Updated the dosage advice".'
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["article", "-date", "-pk"]
        verbose_name = "change log entry"
        verbose_name_plural = "change log entries"

    def __str__(self):
        return f"{self.date}: {self.note}"
