"""Health checks for load balancers, and a 503 page while the database is unreachable.

Both answer before any other middleware (no host check, no HTTPS redirect, no session), so a
load balancer can probe each app server by address, over plain HTTP, every second:

- ``/healthz`` (liveness): 200 while the app can serve, that is while the database answers
  ``SELECT 1``. The cache is only an accelerator (``symptomdb.cache``), so a cache that does not
  answer makes the status ``degraded``, still 200: removing every server because Redis is down
  would take the site down with it. 503 when the database does not answer.
- ``/readyz`` (readiness): 200 once the database answers and holds every migration this code
  expects, so a server started with a release whose migrations have not run takes no traffic.
"""

import logging

from django.core.cache import cache
from django.db import (
    DatabaseError,
    InterfaceError,
    NotSupportedError,
    OperationalError,
    connection,
)
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

from articles.page_generation import missing_triggers

from .responses import service_unavailable

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
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
    """``{"status": "ok" | "degraded" | "unavailable", "database": ..., "cache": ...}``"""
    checks = {
        "database": "ok" if database_answers() else "unavailable",
        "cache": "ok" if cache_answers() else "unavailable",
    }
    if checks["database"] != "ok":
        status = "unavailable"
    else:
        status = "ok" if checks["cache"] == "ok" else "degraded"
    return {"status": status, **checks}


_migrated = False


def migrations_applied():
    """Whether the database holds every migration of this code and the page cache's triggers
    (remembered once true)."""
    global _migrated  # a per-process memo: once migrated, always migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrated = not pending and not missing_triggers(connection)
    return _migrated


def readiness_status():
    """``{"status": "ready" | "unavailable", "database": ..., "migrations": ...}``"""
    unreachable = {"status": "unavailable", "database": "unavailable", "migrations": "unknown"}
    if not database_answers():
        return unreachable
    try:
        migrated = migrations_applied()
    except DatabaseError:
        return unreachable
    return {
        "status": "ready" if migrated else "unavailable",
        "database": "ok",
        "migrations": "applied" if migrated else "pending",
    }


def probe_response(request, body, *, ok):
    response = JsonResponse(body, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    if request.method == "HEAD":
        response.content = b""
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        if request.path == HEALTH_PATH:
            body = health_status()
            if body["status"] != "ok":
                failed = [name for name in ("database", "cache") if body[name] != "ok"]
                logger.warning("Health check %s: %s unavailable", body["status"], ", ".join(failed))
            return probe_response(request, body, ok=body["status"] != "unavailable")
        if request.path == READY_PATH:
            body = readiness_status()
            return probe_response(request, body, ok=body["status"] == "ready")
        return self.get_response(request)


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
        if isinstance(exception, NotSupportedError) and "cached plan" in str(exception):
            # A migration changed the type of a column that a statement this connection
            # prepared reads (DJANGO_DB_PREPARED_STATEMENTS). The connection would fail that
            # statement until it closes; a new one prepares it afresh.
            logger.warning("A prepared statement outlived a migration; reconnecting")
            connection.close()
            return service_unavailable(request)
        return None
