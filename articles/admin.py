"""The editorial admin: authors and editors edit working copies, reviewers sign off, editors
publish.

Row-level rules live in ``get_queryset`` and the ``has_*_permission`` methods (for the article,
its inlines, lookups and history), read from ``symptomdb.roles``, never only in the templates.
Saving an article records a revision of its working copy and changes nothing readers see; the
"Workflow" page runs the transitions of ``articles.workflow``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from symptomdb.admin_mixins import (
    AutocompleteIdsMixin,
    EditorsOnlyMixin,
    FollowsParentPermissionsMixin,
    ReadOnlyAdminMixin,
)
from symptomdb.roles import (
    is_editor,
    may_edit_article,
    may_open_article,
    may_review,
    may_sign_off,
    may_submit,
)

from . import workflow
from .forms import ArticleImportForm, PositionedForm, PositionedFormSet, WorkflowForm
from .importer import import_article
from .models import (
    MAX_REFERENCES,
    MAX_SECTIONS,
    Article,
    ArticleDueForReview,
    ArticleEvent,
    BrokenReference,
    Category,
    Reference,
    Section,
    Synonym,
    fingerprint,
)
from .preview import preview_context, public_state
from .revisions import compare, current_content, latest_revision, record_revision
from .synonyms import synonyms_changed

MAX_MARKDOWN_CHARS = 50_000
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


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Words readers use for one thing; search finds an article by any of them at once."""

    list_display = ["__str__", "updated_at"]
    search_fields = ["names"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        synonyms_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        synonyms_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        synonyms_changed()


class ArticleChildInline(FollowsParentPermissionsMixin, MarkdownLimitMixin, admin.StackedInline):
    """Inline rows of an article follow the article's rule: editable where it is."""

    extra = 0
    ordering = ["position"]
    form = PositionedForm
    formset = PositionedFormSet

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or obj.pk is None or may_open_article(request.user, obj)
        )

    def get_formset(self, request, obj=None, **kwargs):
        # Rows past max_num are refused with a message, not saved beyond what the form holds.
        return super().get_formset(request, obj, validate_max=True, **kwargs)

    def may_edit_parent(self, request, obj):
        return obj is None or obj.pk is None or may_edit_article(request.user, obj)


class SectionInline(ArticleChildInline):
    model = Section
    max_num = MAX_SECTIONS
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
    max_num = MAX_REFERENCES
    fields = ["position", "text", "url", "doi", "pubmed_id", "accessed"]
    template = "admin/edit_inline/tabular.html"


class PublicStateFilter(admin.SimpleListFilter):
    """What readers see of each article, and what waits: the editors' first question."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft, not live"),
            ("in_review", "In review"),
            ("live", "Live"),
            ("changed", "Live, with unpublished changes"),
            ("scheduled", "Scheduled"),
        ]

    def queryset(self, request, queryset):
        live = Q(live_version_id__isnull=False)
        return {
            "draft": queryset.filter(
                ~live, scheduled_for__isnull=True, status=Article.Status.DRAFT
            ),
            "in_review": queryset.filter(status=Article.Status.IN_REVIEW),
            "live": queryset.filter(live, latest_revision_id=F("live_revision_id")),
            "changed": queryset.filter(live).exclude(latest_revision_id=F("live_revision_id")),
            "scheduled": queryset.filter(scheduled_for__isnull=False),
        }.get(self.value(), queryset)


@admin.register(Article)
class ArticleAdmin(AutocompleteIdsMixin, MarkdownLimitMixin, admin.ModelAdmin):
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/history.html"
    list_display = ["title", "state", "category", "author", "updated_at", "view_link"]
    list_filter = [PublicStateFilter, "category", "author", "sections__kind"]
    list_select_related = ["category", "author"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "category"]
    inlines = [SectionInline, ReferenceInline]
    readonly_fields = ["state"]

    # Rows --------------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).open_to(request.user).with_public_state()

    def get_object(self, request, object_id, from_field=None):
        # A row outside ``get_queryset`` is a 404, the same as a row that does not exist.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such article, or not one of yours.")
        return obj

    def get_search_results(self, request, queryset, search_term):
        queryset = queryset & Article.objects.open_to(request.user)
        return super().get_search_results(request, queryset, search_term)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or may_open_article(request.user, obj)
        )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            is_editor(request.user) or hasattr(request.user, "author_profile")
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or may_edit_article(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        # An article readers have seen is taken offline with "Unpublish", never deleted.
        return super().has_delete_permission(request, obj) and (
            obj is None
            or (may_edit_article(request.user, obj) and not obj.published_versions.exists())
        )

    def has_view_history_permission(self, request, obj=None):
        return is_editor(request.user)

    def get_list_filter(self, request):
        if is_editor(request.user):
            return self.list_filter
        return [name for name in self.list_filter if name != "author"]

    def get_fieldsets(self, request, obj=None):
        main = ["title", "slug", "category", "author", "intro", "conclusion"]
        if not is_editor(request.user):
            main.remove("author")
        fieldsets = [
            (None, {"fields": main}),
            (
                "A-Z index and structured data",
                {"fields": ["condition", "alternative_names"]},
            ),
        ]
        if obj is not None:
            fieldsets.insert(
                0,
                (
                    "What readers see",
                    {
                        "fields": ["state"],
                        "description": "Saving changes the working copy only. Readers keep "
                        "the published version until a reviewed revision is published from "
                        "the Workflow page.",
                    },
                ),
            )
        return fieldsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in {"intro", "conclusion"}:
            kwargs["help_text"] = f"{db_field.help_text} {MARKDOWN_HINT}"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Columns -----------------------------------------------------------------------------

    @admin.display(description="State")
    def state(self, article):
        if article.pk is None:
            return "New draft"
        state = public_state(article)
        if not state.detail:
            return state.label
        return format_html("{}<br><small>{}</small>", state.label, state.detail)

    def view_on_site(self, article):
        """The page readers see, at the live version's address (``live_slug``, annotated by
        ``get_queryset``): the working copy's slug may be a new one not published yet, or
        another article's old one. None, and no link, while nothing is live."""
        if live_slug := getattr(article, "live_slug", None):
            return reverse("articles:detail", kwargs={"slug": live_slug})
        return None

    @admin.display(description="Page")
    def view_link(self, article):
        if page := self.view_on_site(article):
            return format_html('<a href="{}">View on site</a>', page)
        preview = reverse("admin:articles_article_preview", args=[article.pk])
        return format_html('<a href="{}">Preview</a>', preview)

    # Saving ------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change and not is_editor(request.user):
            obj.author = request.user.author_profile
            obj.status = Article.Status.DRAFT
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Every save of the working copy is a revision (none when nothing changed).
        record_revision(form.instance, by=request.user)

    def save_formset(self, request, form, formset, change):
        # Swapping two positions, or taking a deleted row's, would collide on the unique
        # constraint mid-save (rows are saved and deleted in the form's order): move the rows
        # whose position changes, and those to delete, out of the way first.
        if formset.model in (Section, Reference):
            moved = [
                f.instance.pk
                for f in formset.initial_forms
                if f.instance.pk and ("position" in f.changed_data or f in formset.deleted_forms)
            ]
            if moved:
                formset.model.objects.filter(pk__in=moved).update(
                    position=F("position") + TEMPORARY_POSITION_OFFSET
                )
        super().save_formset(request, form, formset, change)

    def _preview_redirect(self, request, obj):
        if "_preview" in request.POST:
            return HttpResponseRedirect(reverse("admin:articles_article_preview", args=[obj.pk]))
        return None

    def response_add(self, request, obj, post_url_continue=None):
        return self._preview_redirect(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._preview_redirect(request, obj) or super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The note of a reviewer who sent the article back, until it is submitted again.
        sent_back = None
        if object_id:
            article = self.get_object(request, object_id)
            sent_back = Article.objects.filter(pk=article.pk).sent_back().first()
        extra_context = {**(extra_context or {}), "sent_back": sent_back}
        return super().change_view(request, object_id, form_url, extra_context)

    # Extra views -------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="articles_article_import"),
            path(
                "<path:object_id>/workflow/",
                view(self.workflow_view),
                name="articles_article_workflow",
            ),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/history/<int:number>/",
                view(self.revision_view),
                name="articles_article_revision",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": article,
            "article": article,
            **extra,
        }

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        status = 200
        if request.method == "POST":
            form = ArticleImportForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                author = None if is_editor(request.user) else request.user.author_profile
                article = import_article(
                    form.cleaned_data["parsed"], author=author, by=request.user
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

    def preview_view(self, request, object_id):
        """The working copy exactly as readers would see it, published nowhere."""
        article = self.get_object(request, object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return TemplateResponse(
            request, "articles/article_detail.html", preview_context(request, article)
        )

    def workflow_view(self, request, object_id):
        article = self.get_object(request, object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        user = request.user
        status = 200
        if request.method == "POST":
            form = WorkflowForm(request.POST, article=article, user=request.user)
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
            form = WorkflowForm(article=article, user=request.user)
        state = public_state(article)
        live = article.published_versions.live().select_related("revision").first()
        sign_off = workflow.current_sign_off(article)
        latest = latest_revision(article)
        content = current_content(article)  # what the page shows, and a sign-off covers
        context = self._context(
            request,
            article,
            f"Workflow: {article}",
            form=form,
            state=state,
            live=live,
            sign_off=sign_off,
            sign_off_is_current=bool(sign_off and latest and sign_off.revision_id == latest.pk),
            latest=latest,
            changes=compare(live.revision.content if live else None, content),
            seen=fingerprint(content),
            events=article.events.select_related("actor", "reviewer", "revision")[:20],
            may_submit=may_submit(user, article),
            may_sign_off=may_sign_off(user, article),
            may_send_back=(may_review(user) or is_editor(user))
            and article.status == Article.Status.IN_REVIEW,
            may_publish=is_editor(user),
            may_unpublish=is_editor(user) and bool(live or article.scheduled_for),
        )
        return TemplateResponse(
            request, "admin/articles/article/workflow.html", context, status=status
        )

    def _run_transition(self, request, article, data):
        user, action = request.user, data["action"]
        if action == "submit":
            workflow.submit_for_review(article, by=user)
            message = "Submitted for review: the reviewers are told."
        elif action == "send_back":
            workflow.send_back(article, by=user, note=data["message"])
            message = "Sent back to the author with your note."
        elif action == "sign_off":
            workflow.sign_off_review(
                article,
                by=user,
                reviewer=data["reviewer"],
                reviewed_on=data["reviewed_on"],
                seen=data["seen"],
            )
            message = "Medical review signed off for the current revision."
        elif action == "publish":
            workflow.publish(article, by=user, note=data["note"])
            message = "Published: readers now see this version."
        elif action == "schedule":
            version = workflow.schedule(article, by=user, at=data["publish_at"], note=data["note"])
            message = f"Scheduled for {timezone.localtime(version.live_from):%Y-%m-%d %H:%M}."
        else:
            workflow.unpublish(article, by=user)
            message = "Unpublished: readers no longer see the article."
        self.message_user(request, message, messages.SUCCESS)

    def history_view(self, request, object_id, extra_context=None):
        """Every revision of the working copy: who, when, what changed; editors only."""
        article = self.get_object(request, object_id)
        if not self.has_view_history_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("created_by").order_by("-number"))
        published = {
            version.revision_id: version
            for version in article.published_versions.order_by("number")
        }
        signed = {
            event.revision_id: event
            for event in article.events.filter(action=ArticleEvent.Action.SIGNED_OFF)
            .select_related("reviewer")
            .order_by("created_at")
        }
        rows = [
            {
                "revision": revision,
                "version": published.get(revision.pk),
                "sign_off": signed.get(revision.pk),
            }
            for revision in revisions
        ]
        context = self._context(
            request,
            article,
            f"History: {article}",
            rows=rows,
            events=article.events.select_related("actor", "reviewer", "revision"),
            may_restore=is_editor(request.user) and may_edit_article(request.user, article),
        )
        return TemplateResponse(request, self.object_history_template, context)

    def revision_view(self, request, object_id, number):
        """One revision: what it changed from the one before, and a button to restore it."""
        article = self.get_object(request, object_id)
        if not self.has_view_history_permission(request, article):
            raise PermissionDenied
        revision = get_object_or_404(article.revisions.select_related("created_by"), number=number)
        may_restore = is_editor(request.user) and may_edit_article(request.user, article)
        if request.method == "POST":
            if not may_restore:
                raise PermissionDenied
            try:
                restored = workflow.restore_revision(article, revision, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(request.path)
            self.message_user(
                request,
                f"Revision {revision.number} is the working copy again, as revision "
                f"{restored.number}: readers see it once it is reviewed and published.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        previous = article.revisions.filter(number__lt=number).order_by("-number").first()
        context = self._context(
            request,
            article,
            f"Revision {revision.number}: {article}",
            revision=revision,
            previous=previous,
            changes=compare(previous.content if previous else None, revision.content),
            may_restore=may_restore,
        )
        return TemplateResponse(request, "admin/articles/article/revision.html", context)


@admin.register(ArticleDueForReview)
class ArticleDueForReviewAdmin(EditorsOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Editors' list of live articles past their review date, oldest review first."""

    list_display = ["title", "author", "reviewed_by", "reviewed_on", "next_review_due"]
    list_select_related = ["author", "reviewed_by"]
    list_display_links = None
    search_fields = ["title"]

    def get_queryset(self, request):
        return (
            ArticleDueForReview.objects.live()
            .due_for_review()
            .select_related("author", "reviewed_by")
            .order_by("reviewed_on", "live_from")
        )

    def get_ordering(self, request):
        return ["reviewed_on", "live_from"]

    @admin.display(description="Next review due")
    def next_review_due(self, version):
        return version.next_review_due


@admin.register(BrokenReference)
class BrokenReferenceAdmin(EditorsOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Editors' list of cited links the daily check found broken, longest broken first."""

    list_display = ["article_link", "position", "text", "checked_url", "problem", "broken_since"]
    list_display_links = None
    list_select_related = ["article"]
    search_fields = ["text", "url", "article__title"]

    def get_queryset(self, request):
        return BrokenReference.objects.broken().select_related("article")

    def get_ordering(self, request):
        return ["broken_since", "article__title", "position"]

    @admin.display(description="Article", ordering="article__title")
    def article_link(self, reference):
        url = reverse("admin:articles_article_change", args=[reference.article_id])
        return format_html('<a href="{}">{}</a>', url, reference.article.title)

    @admin.display(description="Problem")
    def problem(self, reference):
        if reference.check_status:
            return f"HTTP {reference.check_status}"
        return reference.check_error or "no answer"

    @admin.display(description="Address", ordering="checked_url")
    def checked_url(self, reference):
        return reference.checked_url

    @admin.display(description="Broken since", ordering="broken_since")
    def broken_since(self, reference):
        return reference.broken_since
