"""Content-Security-Policy reports: browsers tell the site what the policy blocked.

``/csp-report/`` takes both formats browsers send (``report-uri``'s ``application/csp-report``
and the Reporting API's ``application/reports+json``), keeps the useful fields of each report,
trimmed, and refuses what an attacker could use to fill the database: bodies over
``CSP_REPORT_MAX_BYTES`` (413), more than ``CSP_REPORTS_PER_ADDRESS_PER_MINUTE`` from one
address or ``CSP_REPORTS_PER_HOUR`` in all (429). Editors see the last week's count on the
admin index; the housekeeping deletes reports older than ``CSP_REPORT_RETENTION_DAYS``.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.tasks import task
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .addresses import request_address_hash
from .limits import LimitReached
from .models import CspReport
from .responses import too_many_requests

ENDPOINT_NAME = "csp-endpoint"
FIELDS = {
    # report-uri name, Reporting API name, our field
    ("document-uri", "documentURL", "document_uri"),
    ("violated-directive", "effectiveDirective", "violated_directive"),
    ("blocked-uri", "blockedURL", "blocked_uri"),
    ("source-file", "sourceFile", "source_file"),
    ("script-sample", "sample", "sample"),
}


def reports_in(payload):
    """The violation bodies in a parsed report (either format), at most ten."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        return [
            item["body"]
            for item in payload[:10]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    return []


def storable(text):
    """``text`` as the database can hold it: no NUL, no lone surrogate."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def as_row(body, address_hash):
    row = CspReport(address_hash=address_hash)
    for old_name, new_name, field in FIELDS:
        value = body.get(old_name, body.get(new_name, ""))
        limit = CspReport._meta.get_field(field).max_length
        setattr(row, field, storable(str(value or ""))[:limit])
    line = body.get("line-number", body.get("lineNumber"))
    if isinstance(line, int) and 0 <= line < 2**31:
        row.line_number = line
    return row


@csrf_exempt  # browsers send reports without cookies or tokens; nothing here acts for a user
@require_POST
def csp_report(request):
    limit = settings.CSP_REPORT_MAX_BYTES
    declared = request.headers.get("content-length") or "0"
    if not (declared.isascii() and declared.isdigit()) or int(declared) > limit:
        return HttpResponse("Report too large.", status=413, content_type="text/plain")
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse("Report too large.", status=413, content_type="text/plain")
    now = timezone.now()
    address = request_address_hash(request)
    recent = CspReport.objects.since(now - timedelta(minutes=1)).filter(address_hash=address)
    if (
        recent.count() >= settings.CSP_REPORTS_PER_ADDRESS_PER_MINUTE
        or CspReport.objects.since(now - timedelta(hours=1)).count()
        >= settings.CSP_REPORTS_PER_HOUR
    ):
        return too_many_requests(request, LimitReached("Too many reports.", retry_after=60))
    try:
        payload = json.loads(body.decode("utf-8"))
    # Not UTF-8, not JSON, too deeply nested, or an integer of thousands of digits.
    except (ValueError, RecursionError):
        return HttpResponse("Not a report.", status=400, content_type="text/plain")
    rows = [as_row(item, address) for item in reports_in(payload)]
    if not rows:
        return HttpResponse("Not a report.", status=400, content_type="text/plain")
    CspReport.objects.bulk_create(rows)
    return HttpResponse(status=204)


@task()
def prune_reports():
    """Daily: forget reports older than ``CSP_REPORT_RETENTION_DAYS``."""
    cutoff = timezone.now() - timedelta(days=settings.CSP_REPORT_RETENTION_DAYS)
    deleted, _ = CspReport.objects.filter(received_at__lt=cutoff).delete()
    return deleted


class ReportingEndpointsMiddleware:
    """Name the report endpoint for browsers using the Reporting API (``report-to``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Reporting-Endpoints", f'{ENDPOINT_NAME}="/csp-report/"')
        return response
