from django.contrib import admin
from django.utils.html import format_html

from .models import Affiliation, Author, AuthorAffiliation


class AuthorAffiliationInline(admin.TabularInline):
    model = AuthorAffiliation
    extra = 0
    autocomplete_fields = ["affiliation"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "user", "photo_preview"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    inlines = [AuthorAffiliationInline]

    @admin.display(description="Photo")
    def photo_preview(self, author):
        if not author.photo:
            return "—"
        return format_html('<img src="{}" alt="" width="40" height="40">', author.photo.url)


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "region", "country"]
    search_fields = ["name", "city", "region"]
