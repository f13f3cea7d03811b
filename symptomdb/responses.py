"""Error pages and the shared "too many requests" and "service unavailable" responses.

Every error page is rendered from a plain context, without the request's context processors:
no session, no user, no database query, so it still renders when the database is down, and it
shows nothing but a short message (no paths, settings, ids or tracebacks).
"""

import logging
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import format_html

from .limits import LimitReached

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# Used only when the site's page itself cannot be rendered (for example a release whose static
# files were not collected): the status and message must still reach the reader.
PLAIN_PAGE = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>{title}</title>'
    "<h1>{title}</h1><p>{message}</p></html>"
)


def error_page(template_name, status, message="", headers=None, back=None):
    """The site's page for ``status``; ``back`` is (url, label) of the page the reader came from."""
    try:
        body = render_to_string(template_name, {"message": message, "back": back})
    except Exception:
        logger.exception("Could not render %s", template_name)
        body = format_html(PLAIN_PAGE, title=HTTPStatus(status).phrase, message=message)
    return HttpResponse(body, status=status, headers=headers)


def bad_request(request, message=""):
    """400 with the site's page; ``message`` says what was wrong, in the reader's words."""
    return error_page("400.html", 400, message)


def too_many_requests(request, limit, back=None):
    """The answer to every ``LimitReached``: 429 with ``Retry-After``, and the site's page saying
    what was limited and when to try again (JSON for a script that asks for it)."""
    headers = {"Retry-After": str(limit.retry_after)}
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"ok": False, "error": limit.message}, status=429, headers=headers)
    return error_page("429.html", 429, limit.message, headers, back)


def service_unavailable(request, message=""):
    return error_page("503.html", 503, message, {"Retry-After": str(RETRY_AFTER_SECONDS)})


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes lockout: too many failed admin sign-ins from this address."""
    seconds = settings.AXES_COOLOFF_TIME.total_seconds()
    message = f"Too many failed sign-in attempts. Try again in {int(seconds // 60)} minutes."
    return too_many_requests(request, LimitReached(message, retry_after=seconds))


# URLconf error handlers (symptomdb/urls.py).


def bad_request_handler(request, exception=None):
    return error_page("400.html", 400)


def page_not_found(request, exception=None):
    return error_page("404.html", 404)


def permission_denied(request, exception=None):
    return error_page("403.html", 403)


def server_error(request):
    return error_page("500.html", 500)
