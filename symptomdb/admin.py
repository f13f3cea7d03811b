"""Site operations in the admin, for editors: outgoing emails and background tasks, with the
failed ones first in mind and a "retry" action for each."""

from django.contrib import admin, messages
from django.db.models.constants import LOOKUP_SEP
from django.tasks import TaskResultStatus
from django.utils.html import format_html
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .admin_mixins import EditorsOnlyMixin, ReadOnlyAdminMixin
from .background import retry_email, retry_task
from .models import CspReport, OutgoingEmail
from .roles import is_editor, may_moderate


class SiteOperationsAdmin(EditorsOnlyMixin, ReadOnlyAdminMixin):
    """Read-only lists that only editors open; changes go through the "retry" actions."""

    def has_retry_permission(self, request):
        return is_editor(request.user)


@admin.register(CspReport)
class CspReportAdmin(SiteOperationsAdmin, admin.ModelAdmin):
    """What browsers reported the Content-Security-Policy blocked: a script or style added to a
    page without a nonce, an extension, or an attack."""

    list_display = ["received_at", "violated_directive", "blocked_uri", "document_uri"]
    list_filter = ["violated_directive", "received_at"]
    search_fields = ["document_uri", "blocked_uri", "source_file"]
    date_hierarchy = "received_at"
    readonly_fields = [field.name for field in CspReport._meta.fields]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(SiteOperationsAdmin, admin.ModelAdmin):
    """Editors follow and retry deliveries; who an email goes to and what it says (often a
    commenter's address, name and words) only those who may see commenters' data read."""

    list_display = ["subject", "to", "status", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "key"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = [
        "key",
        "recipients",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
    # The key of a confirmation names its address (errors are stored without addresses).
    PRIVATE = ("to", "recipients", "body", "key")

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if may_moderate(request.user) else [f for f in shown if f not in self.PRIVATE]

    def get_search_fields(self, request):
        shown = super().get_search_fields(request)
        return shown if may_moderate(request.user) else [f for f in shown if f not in self.PRIVATE]

    def get_fields(self, request, obj=None):
        shown = super().get_fields(request, obj)
        return shown if may_moderate(request.user) else [f for f in shown if f not in self.PRIVATE]

    def lookup_allowed(self, lookup, value, request):
        # A filter in the address (?body__icontains=...) would tell hidden text by its count.
        if lookup.split(LOOKUP_SEP, 1)[0] in self.PRIVATE and not may_moderate(request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description="to")
    def to(self, email):
        return ", ".join(email.recipients)

    @admin.action(description="Send the selected failed emails again", permissions=["retry"])
    def retry(self, request, queryset):
        retried = sum(retry_email(email) for email in queryset.failed())
        self.message_user(request, f"{retried} failed email(s) queued again.", messages.SUCCESS)


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(SiteOperationsAdmin, DBTaskResultAdmin):
    list_display = ["task_name", "status", "error", "enqueued_at", "started_at", "finished_at"]
    list_filter = ["status", "queue_name"]
    actions = ["retry"]

    @admin.display(description="error")
    def error(self, result):
        if result.status != TaskResultStatus.FAILED:
            return "—"
        last_line = result.traceback.strip().splitlines()[-1:] or [result.exception_class_path]
        return format_html("<code>{}</code>", last_line[0][:200])

    @admin.action(description="Run the selected failed tasks again", permissions=["retry"])
    def retry(self, request, queryset):
        failed = queryset.filter(status=TaskResultStatus.FAILED)
        for result in failed:
            retry_task(result)
        self.message_user(
            request, f"{failed.count()} failed task(s) queued again.", messages.SUCCESS
        )
