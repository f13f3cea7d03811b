"""Search that knows readers' words: a query is also searched with each synonym group's other
names ("iron deficiency anemia" also as "iron deficiency anaemia").

Editors keep the groups in the admin (``Synonym``). Search reads them from the cache under a
version number that every edit raises after commit, so no process can put back groups it read
before the edit (with Redis every server sees the new version at once; with each process's own
memory cache, others see it when their copy expires, within ``CACHE_SECONDS``). The page
cache's search stamps include the table's count and last change (``articles.page_cache``).
"""

import re

from django.core.cache import cache
from django.db import transaction

from .models import Synonym

VERSION_KEY = "search-synonyms-version"
CACHE_SECONDS = 60
MAX_VARIANTS = 8
# A query rewritten for at most this many of the groups it mentions: the rewrites multiply.
MAX_GROUPS = 3


def synonym_groups():
    version = cache.get(VERSION_KEY, 0)
    key = f"search-synonyms:{version}"
    groups = cache.get(key)
    if groups is None:
        groups = Synonym.objects.groups()
        cache.set(key, groups, CACHE_SECONDS)
    return groups


def _raise_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or it expired): any new number will do
        cache.set(VERSION_KEY, 1, None)


def synonyms_changed():
    """Called by every write to the synonyms: search reads them afresh once it commits."""
    transaction.on_commit(_raise_version)


def variants(query, groups=None):
    """``query`` (lower-cased) and its rewrites with other names of each group it mentions,
    at most ``MAX_VARIANTS``, the reader's own words first."""
    groups = synonym_groups() if groups is None else groups
    original = " ".join(query.lower().split())
    results = [original]
    matched = 0
    for group in groups:
        # "heart attacks" is "heart attack" too.
        patterns = [re.compile(rf"(?<!\w){re.escape(name)}(?:e?s)?(?!\w)") for name in group]
        if not any(pattern.search(original) for pattern in patterns):
            continue
        matched += 1
        if matched > MAX_GROUPS:
            break
        for pattern in patterns:
            for existing in list(results):
                if not pattern.search(existing):
                    continue
                for other in group:
                    candidate = pattern.sub(lambda match, other=other: other, existing)
                    if candidate not in results:
                        results.append(candidate)
                    if len(results) >= MAX_VARIANTS:
                        return results
    return results
