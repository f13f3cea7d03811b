"""Health check for load balancers, and a 503 page while the database is unreachable.

``/healthz`` answers before any other middleware: no host check, no HTTPS redirect, no session,
so a load balancer can probe each app server by address, over plain HTTP, every second. It runs
``SELECT 1`` and one cache write and read, and answers 200 ``ok`` or 503 naming what failed.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse

from .responses import service_unavailable

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
_PROBE_KEY = "healthz"


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_answers():
    # Every process writes the same value, so concurrent probes cannot disturb each other; an
    # unreachable cache (see symptomdb.cache) reads back a miss.
    cache.set(_PROBE_KEY, "ok", timeout=30)
    return cache.get(_PROBE_KEY) == "ok"


def health_status():
    """``{"database": "ok" | "unavailable", "cache": ...}``"""
    return {
        "database": "ok" if database_answers() else "unavailable",
        "cache": "ok" if cache_answers() else "unavailable",
    }


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH or request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        checks = health_status()
        failed = [name for name, state in checks.items() if state != "ok"]
        if failed:
            logger.warning("Health check failed: %s unavailable", ", ".join(failed))
        response = JsonResponse(
            {"status": "unavailable" if failed else "ok", "failed": failed, **checks},
            status=503 if failed else 200,
        )
        response["Cache-Control"] = "no-store"
        if request.method == "HEAD":
            response.content = b""
        return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 "try again shortly", not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable: %s", type(exception).__name__, exc_info=exception)
            return service_unavailable(request)
        return None
