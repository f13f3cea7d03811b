from django.conf import settings
from django.db import models
from django.urls import reverse


class Author(models.Model):
    name = models.CharField(max_length=120, help_text='Without credentials, e.g. "Haroon Rashid".')
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the author's URL.")
    credentials = models.CharField(
        max_length=120, blank=True, help_text='Comma-separated, e.g. "MD" or "MD, PhD".'
    )
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="authors/", blank=True)
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

    class Meta:
        ordering = ["name"]

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
