"""Search that knows readers' words: a query is also searched with each synonym group's other
names ("iron deficiency anemia" also as "iron deficiency anaemia").

Editors keep the groups in the admin (``Synonym``). Search reads them from the cache, which an
edit clears after commit; the page cache's stamps see the table's writes through its trigger
(``articles.page_generation``), so cached search pages change with them.
"""

import re

from django.core.cache import cache
from django.db import transaction

from .models import Synonym

CACHE_KEY = "search-synonyms"
CACHE_SECONDS = 600
MAX_VARIANTS = 8


def synonym_groups():
    groups = cache.get(CACHE_KEY)
    if groups is None:
        groups = Synonym.objects.groups()
        cache.set(CACHE_KEY, groups, CACHE_SECONDS)
    return groups


def synonyms_changed():
    """Called by every write to the synonyms: search reads them afresh once it commits."""
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def variants(query, groups=None):
    """``query`` (lower-cased) and its rewrites with other names of each group it mentions,
    at most ``MAX_VARIANTS``, the reader's own words first."""
    groups = synonym_groups() if groups is None else groups
    results = [" ".join(query.lower().split())]
    for group in groups:
        for name in group:
            # "heart attacks" is "heart attack" too.
            pattern = re.compile(rf"(?<!\w){re.escape(name)}(?:e?s)?(?!\w)")
            for existing in list(results):
                if not pattern.search(existing):
                    continue
                for other in group:
                    candidate = pattern.sub(lambda match, other=other: other, existing)
                    if candidate not in results:
                        results.append(candidate)
    return results[:MAX_VARIANTS]
