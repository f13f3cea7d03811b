from django.contrib import admin

from .models import Article, Category, Section


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["position", "heading", "anchor", "kind", "body"]
    prepopulated_fields = {"anchor": ["heading"]}
    ordering = ["position"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "category", "author", "published_at", "updated_at"]
    list_filter = ["status", "category"]
    list_select_related = ["category", "author"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "category"]
    date_hierarchy = "published_at"
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "author", "intro", "conclusion"]}),
        ("Publication", {"fields": ["status", "published_at", "last_reviewed"]}),
        ("A-Z index and structured data", {"fields": ["condition"]}),
    ]
