from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.html import format_html

from articles.models import is_editor
from symptomdb.admin_mixins import (
    AutocompleteIdsMixin,
    FollowsParentPermissionsMixin,
    ReadOnlyAdminMixin,
)

from .forms import AuthorAdminForm, DecideRatingsForm
from .models import Affiliation, Author, AuthorAffiliation, Rating, RatingRelease, RatingVoid
from .photos import delete_unused_after_commit, files_of, set_photo
from .ratings import release_rating, void_rating

# What an author may change on their own profile; everything else (and any field added later,
# such as ratings) stays with the editors.
OWN_PROFILE_FIELDS = ["name", "credentials", "bio", "photo"]


class AffiliationLinkForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # One primary row per author is checked across the formset (a row may take the mark
        # from another in the same save), not row by row against the rows as they were.
        return super()._get_validation_exclusions() | {"is_primary"}


class AffiliationLinksFormSet(BaseInlineFormSet):
    """The byline shows one primary affiliation: two marked in one save is a form error (the
    database's constraint would refuse the second row). Moving the mark from one row to
    another takes one save."""

    primary_form = None

    def clean(self):
        super().clean()
        primary = [
            form
            for form in self.forms
            if (data := getattr(form, "cleaned_data", None))
            and data.get("is_primary")
            and not data.get("DELETE")
        ]
        if len(primary) > 1:
            raise ValidationError("Mark one affiliation as primary: the byline shows one.")
        self.primary_form = primary[0] if primary else None

    def save(self, commit=True):
        if commit and self.primary_form is not None:
            # The database allows one primary row at every moment: the mark comes off the
            # author's other rows before the row that takes it is saved.
            self.instance.affiliation_links.filter(is_primary=True).exclude(
                pk=self.primary_form.instance.pk
            ).update(is_primary=False)
        return super().save(commit)


class AuthorAffiliationInline(
    AutocompleteIdsMixin, FollowsParentPermissionsMixin, admin.TabularInline
):
    model = AuthorAffiliation
    form = AffiliationLinkForm
    formset = AffiliationLinksFormSet
    extra = 0
    autocomplete_fields = ["affiliation"]

    def may_edit_parent(self, request, obj):
        return obj is None or is_editor(request.user) or obj.user_id == request.user.pk


@admin.register(Author)
class AuthorAdmin(AutocompleteIdsMixin, admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["name", "credentials", "user", "photo_preview", "rating_figures"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    inlines = [AuthorAffiliationInline]
    readonly_fields = ["photo_preview", "rating_figures"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "bio", "user"]}),
        ("Photo", {"fields": ["photo", "photo_preview"]}),
        ("Rating", {"fields": ["rating_figures"]}),
    ]

    # Row-level rules: an author sees and edits only their own profile, never anyone's rating.

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_rating()
        return queryset if is_editor(request.user) else queryset.filter(user=request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such author, or not your profile.")
        return obj

    def get_fieldsets(self, request, obj=None):
        if is_editor(request.user):
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": OWN_PROFILE_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        if is_editor(request.user):
            return super().get_readonly_fields(request, obj)
        return []

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if is_editor(request.user) else {}

    def get_autocomplete_fields(self, request):
        return self.autocomplete_fields if is_editor(request.user) else []

    def has_add_permission(self, request):
        return super().has_add_permission(request) and is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or is_editor(request.user) or obj.user_id == request.user.pk
        )

    @admin.display(description="Photo")
    def photo_preview(self, author):
        if not author.photo:
            return "—"
        return format_html(
            '<img src="{}" alt="Photo of {}" width="80" height="80">',
            author.thumbnail_url,
            author.name,
        )

    @admin.display(description="Rating", ordering="rating_rank")
    def rating_figures(self, author):
        summary = author.rating_summary
        if not summary.count:
            return "No ratings"
        shares = ", ".join(f"{share.stars}★ {share.count}" for share in summary.shares)
        return format_html(
            "{} from {} rating(s) ({})", f"{summary.average:.2f}", summary.count, shares
        )

    def save_model(self, request, obj, form, change):
        previous = files_of(obj)
        stored = getattr(form, "stored_photo", None)
        if stored is not None:
            set_photo(obj, stored)
        elif not obj.photo:
            obj.photo_thumbnail = ""
        super().save_model(request, obj, form, change)
        delete_unused_after_commit(obj, previous)


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "region", "country"]
    search_fields = ["name", "city", "region"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Ratings are released or voided by the actions; deleting one would bypass the counts."""

    list_display = ["author", "score", "status", "hold", "reader", "created_at", "voided"]
    list_filter = [
        "status",
        "hold",
        "score",
        ("voided_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["author", "user", "void"]
    search_fields = ["author__name", "user__username", "address_hash", "network_hash"]
    date_hierarchy = "created_at"
    actions = ["release_with_note", "void_with_reason"]
    fields = [
        "author",
        "score",
        "status",
        "hold",
        "user",
        "reader_token",
        "reader_since",
        "address_hash",
        "network_hash",
        "created_at",
        "voided",
    ]
    readonly_fields = fields

    def has_void_permission(self, request):
        return request.user.has_perm("authors.void_rating")

    def has_release_permission(self, request):
        return request.user.has_perm("authors.release_rating")

    @admin.display(description="Reader")
    def reader(self, rating):
        return rating.user or rating.reader_label

    @admin.display(description="Voided")
    def voided(self, rating):
        void = getattr(rating, "void", None) if rating.voided_at else None
        if void is None:
            return "—"
        return f"{void.voided_at:%Y-%m-%d %H:%M} by {void.voided_by or '?'}: {void.reason}"

    def decide(self, request, queryset, *, action, decision, intro, submit_label, done):
        """Ask for the reason once, then apply ``decision`` to each rating with it."""
        form = DecideRatingsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            decided = 0
            for rating in queryset.select_related("author"):
                try:
                    audit = decision(rating, by=request.user, reason=form.cleaned_data["reason"])
                except ValidationError as error:
                    self.message_user(request, error.messages[0], messages.ERROR)
                    return None
                decided += audit is not None
            self.message_user(request, done.format(decided), messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/authors/rating/decide_ratings.html",
            {
                **self.admin_site.each_context(request),
                "title": submit_label,
                "opts": self.model._meta,
                "form": form,
                "ratings": queryset.select_related("author", "user"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "action": action,
                "intro": intro,
                "submit_label": submit_label,
            },
        )

    @admin.action(description="Void selected ratings (with a reason)", permissions=["void"])
    def void_with_reason(self, request, queryset):
        return self.decide(
            request,
            queryset,
            action="void_with_reason",
            decision=void_rating,
            intro="These ratings will stop counting; the author's figures are updated and an "
            "audit record keeps who voided them and why.",
            submit_label="Void ratings",
            done="Voided {} rating(s).",
        )

    @admin.action(description="Release selected held ratings (a note)", permissions=["release"])
    def release_with_note(self, request, queryset):
        return self.decide(
            request,
            queryset,
            action="release_with_note",
            decision=lambda rating, *, by, reason: release_rating(rating, by=by, note=reason),
            intro="These held ratings will count in the authors' figures; an audit record keeps "
            "who released them and why. Ratings already counted or voided are left as they are.",
            submit_label="Release ratings",
            done="Released {} rating(s).",
        )


@admin.register(RatingRelease)
class RatingReleaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["rating", "hold", "released_by", "released_at", "note"]
    list_select_related = ["rating__author", "released_by"]
    readonly_fields = ["rating", "hold", "released_by", "released_at", "note"]


@admin.register(RatingVoid)
class RatingVoidAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["rating", "voided_by", "voided_at", "reason"]
    list_select_related = ["rating__author", "voided_by"]
    readonly_fields = ["rating", "voided_by", "voided_at", "reason"]
