from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Cast
from django.utils import timezone

from symptomdb.links import reverse

STARS = (5, 4, 3, 2, 1)


@dataclass(frozen=True)
class StarShare:
    stars: int
    count: int
    percent: int

    @property
    def label(self):
        return f"{self.stars} star{'' if self.stars == 1 else 's'}"


@dataclass(frozen=True)
class RatingSummary:
    """An author's rating as pages show it: count, average and the share of each star level."""

    count: int
    average: float | None
    shares: tuple[StarShare, ...]
    enough: bool

    @property
    def count_label(self):
        return f"{self.count} rating{'' if self.count == 1 else 's'}"

    @property
    def average_text(self):
        """The average to one decimal, halves up as readers expect (4.25 reads "4.3"), as text:
        what the page shows and, as a number, the JSON gives. "" with no ratings."""
        if self.average is None:
            return ""
        return str(Decimal(repr(self.average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    def as_dict(self):
        return {
            "count": self.count,
            "average": float(self.average_text) if self.enough else None,
            "enough": self.enough,
            # Percentages of a handful of ratings would say more than they know.
            "shares": [
                {
                    "stars": share.stars,
                    "count": share.count,
                    "percent": share.percent if self.enough else None,
                }
                for share in self.shares
            ],
        }


def _star_field(stars):
    return f"stars_{stars}"


class AuthorQuerySet(models.QuerySet):
    def with_rating(self):
        """Each author with ``rating_count``, ``rating_average`` and ``rating_rank``.

        ``rating_rank`` is a damped (Bayesian) average: the votes plus ``RATING_PRIOR_WEIGHT``
        imaginary votes of ``RATING_PRIOR_MEAN``, so a single 5-star vote does not outrank
        forty 4.8s. Computed in the database from the per-star counts on the author row.
        """
        count = sum((F(_star_field(stars)) for stars in STARS[1:]), F(_star_field(5)))
        total = sum((stars * F(_star_field(stars)) for stars in STARS[1:]), 5 * F(_star_field(5)))
        weight = float(settings.RATING_PRIOR_WEIGHT)
        prior = weight * float(settings.RATING_PRIOR_MEAN)
        return self.annotate(
            rating_count=count,
            rating_sum=total,
            rating_average=models.Case(
                models.When(rating_count=0, then=models.Value(None)),
                default=Cast(F("rating_sum"), models.FloatField())
                / Cast(F("rating_count"), models.FloatField()),
                output_field=models.FloatField(),
            ),
            rating_rank=(models.Value(prior) + Cast(F("rating_sum"), models.FloatField()))
            / (models.Value(weight) + Cast(F("rating_count"), models.FloatField())),
        )

    def with_primary_affiliation(self):
        """Each author's primary affiliation, prefetched for ``Author.primary_affiliation``."""
        return self.prefetch_related(
            Prefetch(
                "affiliation_links",
                queryset=AuthorAffiliation.objects.primary().select_related("affiliation"),
                to_attr="primary_affiliation_links",
            )
        )

    def by_rating(self):
        """Authors with enough ratings (``RATING_MIN_COUNT``) first, best damped average first;
        then the others, by their number of ratings; ties by name."""
        rated = self if "rating_rank" in self.query.annotations else self.with_rating()
        enough = models.Case(
            models.When(rating_count__gte=settings.RATING_MIN_COUNT, then=models.Value(1)),
            default=models.Value(0),
        )
        return rated.annotate(has_enough_ratings=enough).order_by(
            "-has_enough_ratings", "-rating_rank", "-rating_count", "name"
        )


class Author(models.Model):
    name = models.CharField(max_length=120, help_text='Without credentials, e.g. "Haroon Rashid".')
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the author's URL.")
    credentials = models.CharField(
        max_length=120, blank=True, help_text='Comma-separated, e.g. "MD" or "MD, PhD".'
    )
    bio = models.TextField(blank=True)
    photo = models.ImageField(
        upload_to="authors/",
        blank=True,
        help_text="A JPEG, PNG or WebP portrait. Metadata is removed and large images scaled down.",
    )
    photo_thumbnail = models.ImageField(upload_to="authors/thumbnails/", blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The account this author signs in with, if any.",
    )
    affiliations = models.ManyToManyField(
        "Affiliation", through="AuthorAffiliation", related_name="authors", blank=True
    )
    # Counts of live (not voided) ratings per score, kept exact by authors.ratings and
    # verified by `manage.py check_ratings`.
    stars_5 = models.PositiveIntegerField("5-star ratings", default=0, editable=False)
    stars_4 = models.PositiveIntegerField("4-star ratings", default=0, editable=False)
    stars_3 = models.PositiveIntegerField("3-star ratings", default=0, editable=False)
    stars_2 = models.PositiveIntegerField("2-star ratings", default=0, editable=False)
    stars_1 = models.PositiveIntegerField("1-star ratings", default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars_5__gte=0)
                & Q(stars_4__gte=0)
                & Q(stars_3__gte=0)
                & Q(stars_2__gte=0)
                & Q(stars_1__gte=0),
                name="author_star_counts_not_negative",
            )
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        """The name as the byline prints it: "Haroon Rashid, MD"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def initials(self):
        return "".join(part[0] for part in self.name.split()[:2]).upper()

    @property
    def star_counts(self):
        """{5: n5, 4: n4, ...}: live ratings per score, from this row."""
        return {stars: getattr(self, _star_field(stars)) for stars in STARS}

    @property
    def rating_summary(self):
        """The summary from this row's counts, with no query."""
        counts = self.star_counts
        count = sum(counts.values())
        total = sum(stars * number for stars, number in counts.items())
        return RatingSummary(
            count=count,
            average=total / count if count else None,
            shares=tuple(
                StarShare(stars, number, round(100 * number / count) if count else 0)
                for stars, number in counts.items()
            ),
            enough=count >= settings.RATING_MIN_COUNT,
        )

    @property
    def thumbnail_url(self):
        if self.photo_thumbnail:
            return self.photo_thumbnail.url
        return self.photo.url if self.photo else ""

    @property
    def primary_affiliation(self):
        """The primary affiliation; uses ``primary_affiliation_links`` when prefetched."""
        links = getattr(self, "primary_affiliation_links", None)
        if links is None:
            links = list(self.affiliation_links.primary().select_related("affiliation"))
        return links[0].affiliation if links else None


class Affiliation(models.Model):
    name = models.CharField(
        "organisation", max_length=200, help_text='e.g. "Urgent Care Center of Arlington".'
    )
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True, help_text='State or region, e.g. "VA".')
    country = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "city", "region", "country"], name="affiliation_unique_place"
            )
        ]

    def __str__(self):
        return ", ".join(part for part in (self.name, self.place) if part)

    @property
    def place(self):
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


class AuthorAffiliationQuerySet(models.QuerySet):
    def primary(self):
        return self.filter(is_primary=True)


class AuthorAffiliation(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="affiliation_links")
    affiliation = models.ForeignKey(
        Affiliation, on_delete=models.CASCADE, related_name="author_links"
    )
    role = models.CharField(max_length=120, blank=True, help_text='e.g. "Attending physician".')
    is_primary = models.BooleanField(
        "primary", default=False, help_text="Shown in the byline. One per author."
    )

    objects = AuthorAffiliationQuerySet.as_manager()

    class Meta:
        ordering = ["-is_primary", "affiliation__name"]
        verbose_name = "affiliation"
        constraints = [
            models.UniqueConstraint(
                fields=["author", "affiliation"], name="author_affiliation_unique"
            ),
            models.UniqueConstraint(
                fields=["author"],
                condition=models.Q(is_primary=True),
                name="author_one_primary_affiliation",
            ),
        ]

    def __str__(self):
        return f"{self.author.name} — {self.affiliation.name}"


class RatingQuerySet(models.QuerySet):
    def live(self):
        """Ratings that count in an author's figures: not held, not voided."""
        return self.filter(status=Rating.Status.COUNTED, voided_at__isnull=True)

    def held(self):
        """Ratings kept out of the figures until a check or an editor releases them."""
        return self.filter(status=Rating.Status.HELD, voided_at__isnull=True)

    def since(self, moment):
        return self.filter(created_at__gte=moment)

    def by_reader(self, reader):
        """The ratings of one reader (a ``authors.ratings.Reader``)."""
        if reader.user_id:
            return self.filter(user_id=reader.user_id)
        if reader.token:
            return self.filter(reader_token=reader.token)
        return self.none()

    def from_address_since(self, address_hash, since):
        return self.filter(address_hash=address_hash, created_at__gte=since)


class RatingStatus(models.TextChoices):
    COUNTED = "counted", "Counted"
    HELD = "held", "Held"


class RatingHold(models.TextChoices):
    NONE = "", "—"
    NEW_READER = "new-reader", "New reader (counts once their token has aged)"
    BURST = "burst", "Burst of ratings for this author"
    NETWORK = "network", "Many ratings from one network"


class Rating(models.Model):
    """One reader's rating of one author: a signed-in user, or an anonymous reader token.

    A rating counts in the author's figures at once, or is held (``hold``) until the reader's
    token has aged or an editor releases it (``authors.ratings``).
    """

    Status = RatingStatus
    Hold = RatingHold

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="author_ratings",
        help_text="The signed-in reader, if any.",
    )
    reader_token = models.CharField(
        max_length=64,
        blank=True,
        help_text="The anonymous reader's random token (from a signed cookie), if no user.",
    )
    score = models.PositiveSmallIntegerField(help_text="1 to 5 stars.")
    status = models.CharField(max_length=10, choices=Status, default=Status.COUNTED)
    hold = models.CharField(
        "held because", max_length=20, choices=Hold, blank=True, help_text="Why it is held."
    )
    address_hash = models.CharField(
        max_length=64, help_text="Keyed hash of the network address; the address is not stored."
    )
    network_hash = models.CharField(
        max_length=64, blank=True, help_text="Keyed hash of the address's network (/24 or /56)."
    )
    reader_since = models.DateTimeField(
        null=True, blank=True, help_text="When the anonymous reader's token was first given."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    voided_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set when an editor voids the rating."
    )

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        permissions = [
            ("void_rating", "Can void ratings"),
            ("release_rating", "Can release held ratings"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RatingStatus.values), name="rating_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=RatingStatus.HELD) & ~Q(hold="") & Q(hold__in=RatingHold.values)
                )
                | (Q(status=RatingStatus.COUNTED) & Q(hold="")),
                name="rating_held_says_why",
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(reader_token=""))
                | (Q(user__isnull=True) & ~Q(reader_token="")),
                name="rating_one_kind_of_reader",
            ),
            models.UniqueConstraint(
                fields=["author", "user"],
                condition=Q(user__isnull=False),
                name="rating_one_per_user_and_author",
            ),
            models.UniqueConstraint(
                fields=["author", "reader_token"],
                condition=~Q(reader_token=""),
                name="rating_one_per_token_and_author",
            ),
        ]
        indexes = [
            models.Index(
                fields=["author", "address_hash", "created_at"], name="rating_address_day_idx"
            ),
            models.Index(
                fields=["author", "network_hash", "created_at"], name="rating_network_day_idx"
            ),
            models.Index(fields=["author", "created_at"], name="rating_author_time_idx"),
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status=RatingStatus.HELD),
                name="rating_held_idx",
            ),
        ]

    def __str__(self):
        return f"{self.score}★ for {self.author.name} by {self.reader_label}"

    def clean(self):
        if self.score is not None and not 1 <= self.score <= 5:
            raise ValidationError({"score": "A rating is 1 to 5 stars."})
        if bool(self.user_id) == bool(self.reader_token):
            raise ValidationError("A rating belongs to either a user or a reader token.")

    @property
    def reader_label(self):
        if self.user_id:
            return f"user #{self.user_id}"
        return f"reader {self.reader_token[:8]}…"

    @property
    def is_voided(self):
        return self.voided_at is not None

    @property
    def is_held(self):
        return self.status == self.Status.HELD


class RatingRelease(models.Model):
    """Audit record: a held rating released into the author's figures, by whom (none: the
    automatic check once the reader's token had aged) and why."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="release")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hold = models.CharField("was held because", max_length=20, choices=RatingHold)
    note = models.TextField()
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-released_at"]
        verbose_name = "released rating"
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="rating_release_has_note"),
        ]

    def __str__(self):
        return f"Released: {self.rating}"


class RatingVoid(models.Model):
    """Audit record: who voided which rating, when and why."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="void")
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(help_text='Why, e.g. "Many ratings from one network in a minute".')
    voided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-voided_at"]
        verbose_name = "voided rating"
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="rating_void_has_reason"),
        ]

    def __str__(self):
        return f"Voided: {self.rating}"
