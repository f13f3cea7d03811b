from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Case, Value, When
from django.template.response import TemplateResponse
from django.utils.html import format_html

from articles.models import Article

from . import moderation
from .forms import ModerationReasonForm
from .models import Comment, CommentSettings, ModerationEvent


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor", "reason", "note"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]
    verbose_name_plural = "moderation history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation desk: the queue of pending comments first, newest first."""

    list_display = ["excerpt", "name", "email", "status", "held", "article_title", "created_at"]
    list_display_links = ["excerpt"]
    list_filter = ["status", "held_by", ("article", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article"]
    search_fields = ["name", "email", "body"]
    ordering = [
        Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1)).asc(),
        "-created_at",
        "-pk",
    ]
    date_hierarchy = "created_at"
    actions = ["approve_comments", "reject_comments", "mark_comments_as_spam"]
    inlines = [ModerationEventInline]
    fields = [
        "article",
        "parent",
        "name",
        "email",
        "user",
        "body",
        "status",
        "held_by",
        "held_reason",
        "notify",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = fields
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Decide one comment from its page: the buttons run the same actions as the queue.
        extra_context = {
            **(extra_context or {}),
            "can_moderate": self.has_moderate_permission(request),
            "moderation_buttons": [
                ("approve_comments", "Approve"),
                ("reject_comments", "Reject…"),
                ("mark_comments_as_spam", "Spam…"),
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        # Text is never edited; decisions go through the moderation actions.
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    @admin.display(description="comment", ordering="body")
    def excerpt(self, comment):
        return comment.excerpt

    @admin.display(description="article", ordering="article__title")
    def article_title(self, comment):
        title = comment.article.title
        return title if len(title) <= 40 else title[:39] + "…"

    @admin.display(description="rule", ordering="held_by")
    def held(self, comment):
        if not comment.held_by:
            return "—"
        return format_html('<span title="{}">{}</span>', comment.held_reason, comment.held_by)

    def _decide_all(self, request, queryset, decide, done, **reason):
        changed = sum(
            decide(comment, by=request.user, **reason) for comment in queryset.order_by("pk")
        )
        self.message_user(request, f"{changed} comment(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve_comments(self, request, queryset):
        self._decide_all(request, queryset, moderation.approve, "approved")

    def _with_reason(self, request, queryset, decide, done, title):
        """Ask for a reason on an intermediate page, then decide every selected comment."""
        form = ModerationReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide_all(request, queryset, decide, done, **form.cleaned_data)
            return None
        return TemplateResponse(
            request,
            "admin/comments/comment/moderation_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "form": form,
                "comments": queryset.select_related("article"),
                "action": request.POST["action"],
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Reject selected comments", permissions=["moderate"])
    def reject_comments(self, request, queryset):
        return self._with_reason(
            request, queryset, moderation.reject, "rejected", "Reject comments"
        )

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_comments_as_spam(self, request, queryset):
        return self._with_reason(
            request, queryset, moderation.mark_spam, "marked as spam", "Mark comments as spam"
        )


@admin.register(CommentSettings)
class CommentSettingsAdmin(admin.ModelAdmin):
    list_display = ["article", "comments_open"]
    list_editable = ["comments_open"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    search_fields = ["article__title"]

    # Opening or closing comments changes the article page readers see.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Article.objects.filter(pk=obj.article_id).comments_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Article.objects.filter(pk=obj.article_id).comments_changed()
