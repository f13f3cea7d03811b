"""An identifier of the code this process runs, for cache keys of rendered pages.

A cached page depends on the data (its stamp) and on the code that rendered it: templates,
views, the migrations that shaped the rows. A deploy that changes any of them must not serve
pages rendered by the previous release, so the page cache's keys include this identifier:
``DJANGO_RELEASE`` when the deployment sets one (e.g. the git commit), else a digest of the
project's Python and template files, computed once per process.
"""

import hashlib
import os
from functools import cache

from django.conf import settings

SOURCES = ("articles", "authors", "comments", "symptomdb", "templates")


@cache
def release_id():
    if configured := os.environ.get("DJANGO_RELEASE"):
        return configured
    digest = hashlib.sha256()
    for folder in SOURCES:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in {".py", ".html"} and path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
