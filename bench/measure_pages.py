"""Queries and bytes per page, measured in-process with Django's test client on the bench
database: the uncached render, and the cached one as readers get it once it is stored. Prints
JSON {path: {...}}."""

import gzip
import json
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(path):
    def get():
        with CaptureQueriesContext(connection) as queries:
            response = Client(HTTP_HOST="127.0.0.1").get(path)
        assert response.status_code == 200, (path, response.status_code)
        return len(queries), response.content

    with override_settings(PAGE_CACHE_SECONDS=0):
        uncached, _ = get()
    cache.clear()
    get()  # renders and stores the page
    get()  # the view answered just before: the generation numbers are read again
    cached, body = get()  # as every later reader gets it
    return {
        "queries": uncached,
        "cached_queries": cached,
        "bytes": len(body),
        "gzip_bytes": len(gzip.compress(body)),
    }


print(json.dumps({path: measure(path) for path in sys.argv[1:]}))
