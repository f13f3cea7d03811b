from django.contrib import admin
from django.http import Http404
from django.utils.html import format_html

from articles.models import is_editor

from .models import Affiliation, Author, AuthorAffiliation

# What an author may change on their own profile; everything else (and any field added later,
# such as ratings) stays with the editors.
OWN_PROFILE_FIELDS = ["name", "credentials", "bio", "photo"]


class AuthorAffiliationInline(admin.TabularInline):
    model = AuthorAffiliation
    extra = 0
    autocomplete_fields = ["affiliation"]

    def _may_edit_parent(self, request, obj):
        return obj is None or is_editor(request.user) or obj.user_id == request.user.pk

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit_parent(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit_parent(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit_parent(request, obj)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "user", "photo_preview"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    inlines = [AuthorAffiliationInline]

    # Row-level rules: an author sees and edits only their own profile, never anyone's rating.

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if is_editor(request.user) else queryset.filter(user=request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such author, or not your profile.")
        return obj

    def get_fields(self, request, obj=None):
        if is_editor(request.user):
            return super().get_fields(request, obj)
        return OWN_PROFILE_FIELDS

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
        return format_html('<img src="{}" alt="" width="40" height="40">', author.photo.url)


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "region", "country"]
    search_fields = ["name", "city", "region"]
