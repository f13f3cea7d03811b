"""The editorial admin: authors work on their own drafts, editors review and publish.

Row-level rules live in ``get_queryset`` and the ``has_*_permission`` methods (for the article,
its inlines, lookups and history), never only in the templates.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from authors.models import Author
from symptomdb.admin_inlines import FollowsParentPermissionsMixin

from . import workflow
from .history import restore_version
from .importer import ArticleFileError, import_article, parse_article
from .models import (
    Article,
    ArticleDueForReview,
    Category,
    ChangeLogEntry,
    Reference,
    Section,
    is_editor,
)
from .slugs import make_slug

MAX_MARKDOWN_CHARS = 50_000
MAX_IMPORT_BYTES = 200_000
MARKDOWN_HINT = (
    "Markdown: a blank line between paragraphs; **bold**, *italic*; "
    '"- item" for a bullet list, "1. item" for a numbered one; [text](https://...) for a link; '
    "[1] cites reference 1. Raw HTML is shown as text."
)
TEMPORARY_POSITION_OFFSET = 1_000_000


class MarkdownLimitMixin:
    """Long text fields refuse pastes longer than ``MAX_MARKDOWN_CHARS`` with a form error."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField):
            kwargs.setdefault("max_length", MAX_MARKDOWN_CHARS)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class PositionedForm(forms.ModelForm):
    """Positions are checked across the whole formset, so rows can swap places in one save."""

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | {"position"}


class PositionedFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or data.get("DELETE")
                or (form.instance.pk is None and not form.has_changed())
            ):
                continue
            position = data.get("position")
            if position in seen:
                raise ValidationError(
                    f"Two rows have position {position}: give each its own number."
                )
            seen.add(position)


class ArticleChildInline(FollowsParentPermissionsMixin, MarkdownLimitMixin, admin.StackedInline):
    """Inline rows of an article follow the article's rule: editable where it is."""

    extra = 0
    ordering = ["position"]
    form = PositionedForm
    formset = PositionedFormSet

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None
            or obj.pk is None
            or is_editor(request.user)
            or obj.author.user_id == request.user.pk
        )

    def may_edit_parent(self, request, obj):
        return obj is None or obj.pk is None or workflow.can_edit(request.user, obj)


class SectionInline(ArticleChildInline):
    model = Section
    fields = ["position", "heading", "anchor", "kind", "body"]
    prepopulated_fields = {"anchor": ["heading"]}
    classes = ["section-inline"]

    class Media:
        js = ["js/admin-section-order.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["help_text"] = MARKDOWN_HINT
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ReferenceInline(ArticleChildInline, admin.TabularInline):
    model = Reference
    fields = ["position", "text", "url", "doi", "pubmed_id", "accessed"]
    template = "admin/edit_inline/tabular.html"


class ChangeLogInline(admin.TabularInline):
    model = ChangeLogEntry
    extra = 0
    fields = ["date", "note"]
    verbose_name_plural = "What changed (written when publishing; shown to readers)"

    def has_add_permission(self, request, obj=None):
        return False


class OwnRowsAdminMixin:
    """A row outside ``get_queryset`` is a 404, the same as a row that does not exist."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such article, or not one of yours.")
        return obj


class WorkflowForm(forms.Form):
    ACTIONS = [
        ("submit", "Submit for review"),
        ("sign_off", "Sign off medical review"),
        ("publish", "Publish now"),
        ("schedule", "Schedule publication"),
        ("unpublish", "Unpublish (back to draft)"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    note = forms.CharField(
        required=False,
        max_length=200,
        label="What changed (one line for readers)",
        help_text="Required to publish or schedule.",
    )
    publish_at = forms.DateTimeField(
        required=False,
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="For scheduling: a future time.",
    )
    reviewer = forms.ModelChoiceField(
        queryset=Author.objects.none(), required=False, label="Medically reviewed by"
    )
    reviewed_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Review date"
    )

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = Author.objects.exclude(pk=article.author_id)


class ArticleImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=MAX_IMPORT_BYTES,
        label="Paste the article",
        help_text="The plain-text layout: title, category, intro, sections, byline.",
    )
    file = forms.FileField(required=False, label="or upload a .txt file")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text")
        if self.errors:
            return data
        if bool(upload) == bool(text and text.strip()):
            raise ValidationError("Paste the article or upload a file (one of the two).")
        if upload:
            if upload.size > MAX_IMPORT_BYTES:
                raise ValidationError(
                    f"The file is too large: at most {MAX_IMPORT_BYTES // 1000} kB."
                )
            raw = upload.read()
        else:
            raw = text.encode()
        try:
            parsed = parse_article(raw)
        except ArticleFileError as error:
            raise ValidationError(f"Not an article in the expected layout: {error}") from None
        if Article.objects.filter(slug=parsed.slug).exists():
            raise ValidationError(
                f'An article with the slug "{parsed.slug}" already exists; edit it instead.'
            )
        category_slug = make_slug(parsed.category, 100)
        if not (
            self.user.has_perm("articles.add_category")
            or Category.objects.filter(slug=category_slug).exists()
        ):
            raise ValidationError(
                f'There is no category "{parsed.category}"; ask an editor to add it.'
            )
        data["parsed"] = parsed
        return data


@admin.register(Article)
class ArticleAdmin(OwnRowsAdminMixin, MarkdownLimitMixin, SimpleHistoryAdmin):
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    list_display = [
        "title",
        "status",
        "category",
        "author",
        "updated_at",
        "reviewed",
        "view_on_site_link",
    ]
    list_filter = ["status", "category", "author", "sections__kind"]
    list_select_related = ["category", "author", "reviewed_by"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "category"]
    date_hierarchy = "published_at"
    inlines = [SectionInline, ReferenceInline, ChangeLogInline]
    readonly_fields = ["status", "published_at", "reviewed_by", "last_reviewed", "review_state"]
    history_list_display = ["status"]

    # Rows --------------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def get_search_results(self, request, queryset, search_term):
        queryset = queryset & Article.objects.editable_by(request.user)
        return super().get_search_results(request, queryset, search_term)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or is_editor(request.user) or obj.author.user_id == request.user.pk
        )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            is_editor(request.user) or hasattr(request.user, "author_profile")
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or workflow.can_edit(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or workflow.can_edit(request.user, obj)
        )

    def has_view_history_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_change_history_permission(self, request, obj=None):
        return is_editor(request.user)

    def get_list_filter(self, request):
        if is_editor(request.user):
            return self.list_filter
        return [name for name in self.list_filter if name != "author"]

    def get_fieldsets(self, request, obj=None):
        main = ["title", "slug", "category", "author", "intro", "conclusion"]
        if not is_editor(request.user):
            main.remove("author")
        return [
            (None, {"fields": main}),
            (
                "Publication and review",
                {
                    "fields": [
                        "status",
                        "published_at",
                        "reviewed_by",
                        "last_reviewed",
                        "review_state",
                    ],
                    "description": "Changed with the Workflow button above, never by hand.",
                },
            ),
            ("A-Z index and structured data", {"fields": ["condition"]}),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in {"intro", "conclusion"}:
            kwargs["help_text"] = f"{db_field.help_text} {MARKDOWN_HINT}"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Columns -----------------------------------------------------------------------------

    @admin.display(description="Reviewed", ordering="last_reviewed")
    def reviewed(self, article):
        if not article.last_reviewed:
            return "—"
        return f"{article.last_reviewed:%Y-%m-%d} by {article.reviewed_by}"

    @admin.display(description="View on site")
    def view_on_site_link(self, article):
        label = "View on site" if article.is_public else "Preview"
        return format_html('<a href="{}">{}</a>', article.get_absolute_url(), label)

    @admin.display(description="Review of this version")
    def review_state(self, article):
        if article.pk is None or not article.reviewed_fingerprint:
            return "Not reviewed yet."
        if article.review_is_current:
            return "Signed off: the current version was reviewed."
        return "Changed since the last sign-off: needs a new review before publishing."

    # Saving ------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change and not is_editor(request.user):
            obj.author = request.user.author_profile
            obj.status = Article.Status.DRAFT
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The history record of this save says in words what changed, sections included.
        message = construct_change_message(form, formsets, not change)
        summary = LogEntry(change_message=json.dumps(message)).get_change_message()
        record = form.instance.history.order_by("-history_date", "-history_id").first()
        if record is not None and summary:
            type(record).objects.filter(pk=record.pk).update(history_change_reason=summary)

    def save_formset(self, request, form, formset, change):
        # Swapping two positions would collide on the unique constraint mid-save: move the
        # rows whose position changes out of the way first (same transaction).
        if formset.model in (Section, Reference):
            moved = [
                f.instance.pk
                for f in formset.initial_forms
                if f.instance.pk and "position" in f.changed_data
            ]
            if moved:
                formset.model.objects.filter(pk__in=moved).update(
                    position=F("position") + TEMPORARY_POSITION_OFFSET
                )
        super().save_formset(request, form, formset, change)

    def _preview_redirect(self, request, obj):
        if "_preview" in request.POST:
            return HttpResponseRedirect(obj.get_absolute_url())
        return None

    def response_add(self, request, obj, post_url_continue=None):
        return self._preview_redirect(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._preview_redirect(request, obj) or super().response_change(request, obj)

    # Extra views -------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="articles_article_import",
            ),
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(self.workflow_view),
                name="articles_article_workflow",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        status = 200
        if request.method == "POST":
            form = ArticleImportForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                author = None if is_editor(request.user) else request.user.author_profile
                article = import_article(
                    form.cleaned_data["parsed"], publish=False, author=author
                ).article
                self.message_user(request, f'Imported "{article}" as a draft.', messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[article.pk])
                )
            status = 400
        else:
            form = ArticleImportForm(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import an article",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/articles/article/import.html", context, status=status
        )

    def workflow_view(self, request, object_id):
        article = self.get_object(request, object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        user = request.user
        status = 200
        if request.method == "POST":
            form = WorkflowForm(request.POST, article=article)
            if form.is_valid():
                try:
                    self._run_transition(request, article, form.cleaned_data)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    return HttpResponseRedirect(
                        reverse("admin:articles_article_change", args=[article.pk])
                    )
            status = 400
        else:
            form = WorkflowForm(article=article)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Workflow: {article}",
            "opts": self.model._meta,
            "original": article,
            "article": article,
            "form": form,
            "may_submit": workflow.can_submit(user, article),
            "may_review": workflow.can_review(user),
            "may_publish": is_editor(user),
        }
        return TemplateResponse(
            request, "admin/articles/article/workflow.html", context, status=status
        )

    def _run_transition(self, request, article, data):
        user, action = request.user, data["action"]
        if action == "submit":
            workflow.submit_for_review(article, by=user)
            message = "Submitted for review."
        elif action == "sign_off":
            workflow.sign_off_review(
                article, by=user, reviewer=data["reviewer"], reviewed_on=data["reviewed_on"]
            )
            message = "Medical review signed off for the current version."
        elif action == "publish":
            workflow.publish(article, by=user, note=data["note"])
            message = "Published."
        elif action == "schedule":
            workflow.schedule(article, by=user, at=data["publish_at"], note=data["note"])
            message = f"Scheduled for {timezone.localtime(article.published_at):%Y-%m-%d %H:%M}."
        else:
            workflow.unpublish(article, by=user)
            message = "Back to draft."
        self.message_user(request, message, messages.SUCCESS)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            article = self.get_object(request, object_id)
            if not self.has_change_history_permission(request, article):
                raise PermissionDenied
            get_object_or_404(article.history, history_id=version_id)
            restore_version(article, version_id, by=request.user)
            self.message_user(request, "The earlier version was restored.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(ArticleDueForReview)
class ArticleDueForReviewAdmin(admin.ModelAdmin):
    """Editors' list of published articles past their review date, oldest review first."""

    list_display = ["title", "author", "reviewed_by", "last_reviewed", "next_review_due"]
    list_select_related = ["author", "reviewed_by"]
    list_display_links = None
    search_fields = ["title"]

    def get_queryset(self, request):
        return (
            ArticleDueForReview.objects.due_for_review()
            .select_related("author", "reviewed_by")
            .order_by(F("last_reviewed").asc(nulls_first=True), "published_at")
        )

    def get_ordering(self, request):
        return [F("last_reviewed").asc(nulls_first=True), "published_at"]

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_module_permission(self, request):
        return is_editor(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Next review due")
    def next_review_due(self, article):
        return article.next_review_due or "never reviewed"
