import json

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles.models import Article
from symptomdb.admin_mixins import AutocompleteIdsMixin, ReadOnlyAdminMixin

from . import changes, moderation, privacy
from .forms import (
    CommentAdminForm,
    CommenterDataForm,
    ModerationReasonForm,
    StaffReplyForm,
)
from .models import (
    Comment,
    CommentReport,
    CommentRevision,
    CommentSettings,
    ModerationEvent,
    ReportedComment,
)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class RevisionInline(ReadOnlyInline):
    model = CommentRevision
    fields = ["created_at", "edited_by", "reason", "body"]
    readonly_fields = fields
    verbose_name_plural = "earlier texts (edit history)"


class ReportInline(ReadOnlyInline):
    model = CommentReport
    fields = ["created_at", "reason", "note", "resolved_at"]
    readonly_fields = fields
    ordering = ["-created_at"]


class ModerationEventInline(ReadOnlyInline):
    model = ModerationEvent
    fields = ["created_at", "action", "actor", "reason", "note"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]
    verbose_name_plural = "moderation history"


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
    actions = ["approve_comments", "reject_comments", "mark_comments_as_spam", "dismiss_reports"]
    inlines = [RevisionInline, ReportInline, ModerationEventInline]
    form = CommentAdminForm
    readonly_fields = [
        "article",
        "parent",
        "name",
        "email",
        "identity",
        "user",
        "status",
        "held_by",
        "held_reason",
        "notify",
        "created_at",
        "edited_at",
        "withdrawn_at",
        "decided_at",
        "decided_by",
    ]
    fields = [*readonly_fields[:6], "body", "edit_reason", *readonly_fields[6:]]
    list_per_page = 50
    change_form_template = "admin/comments/comment/change_form.html"

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
                *(
                    [("dismiss_reports", "Keep it, dismiss reports")]
                    if object_id.isdigit()
                    and CommentReport.objects.open().filter(comment_id=object_id).exists()
                    else []
                ),
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        # Moderators change the words only, with a reason (``save_model``).
        return self.has_moderate_permission(request)

    def save_model(self, request, obj, form, change):
        if "body" in form.changed_data:
            original = Comment.objects.get(pk=obj.pk)
            new_body = obj.body
            obj.body = original.body
            changes.edit_comment(
                obj, new_body, by=request.user, reason=form.cleaned_data["edit_reason"]
            )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="comments_comment_reply",
            ),
            path(
                "commenter-data/",
                self.admin_site.admin_view(self.commenter_data_view),
                name="comments_commenter_data",
            ),
        ]
        return own + super().get_urls()

    def reply_view(self, request, pk):
        """Answer a comment as the site (or as the clinician signed in): published at once."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
        form = StaffReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                reply = changes.reply_as_staff(comment, form.cleaned_data["body"], by=request.user)
            except IntegrityError:
                form.add_error("body", "You have already posted this reply on this article.")
            else:
                self.message_user(request, "Your reply is published.", messages.SUCCESS)
                return redirect(reverse("admin:comments_comment_change", args=[reply.pk]))
        return TemplateResponse(
            request,
            "admin/comments/comment/reply.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reply to a comment",
                "opts": self.model._meta,
                "comment": comment,
                "form": form,
            },
        )

    def commenter_data_view(self, request):
        """Export or erase a commenter's data, as ``manage.py commenter_data`` does."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        form = CommenterDataForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if form.cleaned_data["action"] == "export":
                data = json.dumps(privacy.export_commenter(email), indent=2, ensure_ascii=False)
                response = HttpResponse(data, content_type="application/json; charset=utf-8")
                response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
                return response
            erased = privacy.erase_commenter(email)
            self.message_user(
                request, f"Erased the data of {erased} comment(s) by {email}.", messages.SUCCESS
            )
            return redirect(reverse("admin:comments_commenter_data"))
        return TemplateResponse(
            request,
            "admin/comments/comment/commenter_data.html",
            {
                **self.admin_site.each_context(request),
                "title": "A commenter's data",
                "opts": self.model._meta,
                "form": form,
            },
        )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # A deleted comment leaves its article's page: the counts the page reads follow.
    @transaction.atomic
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Article.objects.filter(pk=obj.article_id).comments_changed()

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        articles = list(queryset.order_by().values_list("article", flat=True).distinct())
        super().delete_queryset(request, queryset)
        Article.objects.filter(pk__in=articles).comments_changed()

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

    @admin.action(
        description="Keep selected comments, dismiss their reports", permissions=["moderate"]
    )
    def dismiss_reports(self, request, queryset):
        self._decide_all(request, queryset, changes.dismiss_reports, "kept; reports dismissed")


@admin.register(ReportedComment)
class ReportedCommentAdmin(CommentAdmin):
    """Comments readers reported, most reported first: the safety valve's queue."""

    list_display = ["excerpt", "open_reports", "reasons", "status", "article_title", "created_at"]
    list_filter = ["status", "reports__reason"]
    actions = ["dismiss_reports", "reject_comments", "mark_comments_as_spam", "approve_comments"]

    def get_queryset(self, request):
        open_reports = Q(reports__resolved_at__isnull=True)
        # Annotate before ordering: the default get_queryset() orders by get_ordering().
        return (
            self.model._default_manager.select_related("article")
            .annotate(open_reports=Count("reports", filter=open_reports))
            .filter(open_reports__gt=0)
            .order_by("-open_reports", "-created_at", "-pk")
        )

    def get_ordering(self, request):
        return ["-open_reports", "-created_at", "-pk"]

    def get_urls(self):
        # The reply and commenter-data pages belong to the comments' admin.
        return admin.ModelAdmin.get_urls(self)

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports(self, comment):
        return comment.open_reports

    @admin.display(description="reasons")
    def reasons(self, comment):
        reasons = comment.reports.open().values_list("reason", flat=True)
        labels = dict(CommentReport.Reason.choices)
        return ", ".join(sorted({labels[reason] for reason in reasons}))


@admin.register(CommentSettings)
class CommentSettingsAdmin(AutocompleteIdsMixin, admin.ModelAdmin):
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
