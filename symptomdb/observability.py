"""Request ids and structured logs.

Every request gets an id: the proxy's ``X-Request-ID`` when it is a plain token, a fresh one
otherwise. It is sent back in the response's ``X-Request-ID`` and stamped on every log line
written while the request is handled, so one request can be followed across the proxy, the app
servers and the logs. Each request also writes one access line (method, path, status,
duration) without the query string, cookies or body.
"""

import contextvars
import json
import logging
import re
import secrets
import time
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

request_id_var = contextvars.ContextVar("request_id", default="-")
access_logger = logging.getLogger("symptomdb.access")


def new_request_id():
    return secrets.token_hex(16)  # 32 hex digits, as a UUID's, without making one


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.fullmatch(incoming) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if access_logger.isEnabledFor(logging.INFO):  # the line's fields cost even unwritten
                access_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every record (``-`` outside a request).

    Django logs a request's 4xx/5xx status after the middleware has returned, with the request
    attached to the record: its id is taken from there.
    """

    def filter(self, record):
        request_id = request_id_var.get()
        if request_id == "-":
            request_id = getattr(getattr(record, "request", None), "request_id", "-")
        record.request_id = request_id
        return True


# Fields of a log record that are safe and useful to write out. Anything else a caller passed in
# ``extra`` (Django passes the whole request object) is left out on purpose.
_EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "status_code")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        entry.update(
            {field: getattr(record, field) for field in _EXTRA_FIELDS if hasattr(record, field)}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
