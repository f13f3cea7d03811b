"""Whole pages for anonymous readers, cached under a key made of what the page shows.

A public page shows immutable published versions, so its cache key is a *stamp*: the live
version, its comments' last change, its author's profile and rating counts, and the site's last
publication (which changes lists and related articles), read in one small query. Any change
that readers would see gives a new stamp, hence a new key: a publication, a scheduled time
arriving (the stamp is computed against the clock), an approved comment, a rating, an author's
new credentials. Nothing is ever invalidated by hand, so nothing can be forgotten, and stamps
live in the database, so every process and machine agrees on them whatever the cache backend.

``PageCacheMiddleware`` answers before sessions, authentication and the view. It takes the
stamp from this process's memory while the database's generation numbers (``PageGeneration``,
changed by triggers with every write behind any stamp; on PostgreSQL known without a query
until the triggers' notification comes) and the clock say it still holds, else from the stamp
query; the page from a small in-process memory (safe: the key changes with the
page) or the shared cache; then fills in what differs per reader (the CSRF token, the comment
form's start time, the reader's own rating). On a miss it lets the view render the page every
anonymous reader shares (``request.shared_page``), stores it, and fills it. Readers with a
session or a flash message (signed in, or just posted) get the page rendered for them alone.
"""

import functools
import hashlib
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from threading import Lock

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date, parse_etags, quote_etag

from authors.models import Author
from authors.ratings import anonymous_reader, current_rating
from comments.forms import form_token_now
from comments.section import placeholder_secret, started_placeholder_pattern
from symptomdb.csrf import get_token
from symptomdb.release import release_id

from .models import (
    Article,
    Category,
    PageGeneration,
    PublishedVersion,
    RelatedArticle,
    Synonym,
    add_months,
)
from .page_generation import watcher


def csrf_placeholder():
    """The reader's CSRF token in the shared page (secret, as ``placeholder_secret`` says)."""
    return f"__SDB_CSRF_TOKEN_{placeholder_secret()}__"


RATING_START = "<!--reader-rating-->"
RATING_END = "<!--/reader-rating-->"
LOCAL_PAGES = 256  # pages kept in each process's memory, in front of the shared cache


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def shareable(request):
    """Whether ``request`` may get (and fill) the page that every anonymous reader shares: not
    a signed-in user, a reader who just posted (a session or a message), nor a commenter whose
    name this browser remembers (the form is filled in for them)."""
    return (
        request.method in {"GET", "HEAD"}
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        and not request.COOKIES.get(CookieStorage.cookie_name)
        and not request.COOKIES.get(settings.COMMENTER_COOKIE)
    )


# Stamps: one hand-written query each (the ORM would spend more time building the query than
# the database spends answering it). Only our own table names are formatted in; every value is a
# parameter. Each stamp ends with the next scheduled publication or unpublication: the moment it
# stops being true even if nothing is written.

_V, _A, _R = PublishedVersion._meta.db_table, Article._meta.db_table, RelatedArticle._meta.db_table
_AU, _C = Author._meta.db_table, Category._meta.db_table
_G = PageGeneration._meta.db_table
# The last publication and unpublication that have happened by now, the last change of any
# author (names and credentials in bylines), category or article's comments (lists show their
# counts), the generation numbers of the authors' places (bylines show them; links have no
# time of change, and a deleted one leaves none); then the next scheduled moments.
_SITE = (
    f"(SELECT MAX(live_from) FROM {_V} WHERE live_from <= %s), "
    f"(SELECT MAX(live_until) FROM {_V} WHERE live_until <= %s), "
    f"(SELECT MAX(updated_at) FROM {_AU}), "
    f"(SELECT MAX(updated_at) FROM {_C}), "
    f"(SELECT MAX(comments_changed_at) FROM {_A}), "
    f"(SELECT value FROM {_G} WHERE \"table\" = 'authors_affiliation'), "
    f"(SELECT value FROM {_G} WHERE \"table\" = 'authors_authoraffiliation'), "
    f"(SELECT MIN(live_from) FROM {_V} WHERE live_from > %s), "
    f"(SELECT MIN(live_until) FROM {_V} WHERE live_until > %s)"
)
_LIVE = "v.live_from <= %s AND (v.live_until IS NULL OR v.live_until > %s)"
SITE_STAMP_SQL = f"SELECT {_SITE}"
# Search pages also change with the synonyms editors keep (a deletion changes the count).
_S = Synonym._meta.db_table
SEARCH_STAMP_SQL = (
    f"SELECT (SELECT COUNT(*) FROM {_S}), (SELECT MAX(updated_at) FROM {_S}), {_SITE}"
)
# The live version, its comments' last change, its author's rating counts, its related list.
ARTICLE_STAMP_SQL = (
    "SELECT v.id, v.author_id, v.reviewed_on, v.first_published_at, ar.comments_changed_at, "
    "au.stars_5, au.stars_4, au.stars_3, au.stars_2, au.stars_1, "
    f"(SELECT MAX(id) FROM {_R} WHERE source_id = v.article_id), {_SITE} "
    f"FROM {_V} v JOIN {_A} ar ON ar.id = v.article_id JOIN {_AU} au ON au.id = v.author_id "
    f"WHERE v.slug = %s AND {_LIVE} LIMIT 1"
)
AUTHOR_STAMP_SQL = (
    "SELECT au.id, au.stars_5, au.stars_4, au.stars_3, au.stars_2, au.stars_1, "
    f"{_SITE} FROM {_AU} au WHERE au.slug = %s"
)
GENERATION_SQL = f'SELECT "table", value FROM {_G} ORDER BY "table"'


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _moment(value):
    """A datetime from a raw query's column (SQLite returns text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def _date(value):
    """A date from a raw query's column (SQLite returns text)."""
    return value if isinstance(value, date) else parse_date(value)


def _stamp(sql, params):
    """(stamp, until) from a stamp query, or None when there is no such page."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    upcoming = [_moment(value) for value in row[-2:] if value is not None]
    return tuple(row[:-2]), min(upcoming, default=None)


def site_stamp(kwargs):
    now = _now()
    return _stamp(SITE_STAMP_SQL, [now, now, now, now])


def search_stamp(kwargs):
    now = _now()
    return _stamp(SEARCH_STAMP_SQL, [now, now, now, now])


def article_stamp(kwargs):
    """Version id first, author id second; then what the date alone changes on the page."""
    now = _now()
    found = _stamp(ARTICLE_STAMP_SQL, [now, now, now, now, kwargs["slug"], now, now])
    if found is None:
        return None
    stamp, until = found
    states, moments = dated_states(_date(stamp[2]), _moment(stamp[3]))
    upcoming = [moment for moment in [until, *moments] if moment is not None]
    return (*stamp, *states), min(upcoming, default=None)


def dated_states(reviewed_on, first_published_at):
    """What an article page shows by the date alone: whether its review is due, whether its
    comments closed with age (``COMMENTS_CLOSE_AFTER_DAYS``); and the moments still to come
    at which one of them changes, when the page must be made anew with nothing written."""
    now = timezone.now()
    due = add_months(reviewed_on, settings.REVIEW_INTERVAL_MONTHS)
    changes = [timezone.make_aware(datetime.combine(due, datetime.min.time()))]
    if days := settings.COMMENTS_CLOSE_AFTER_DAYS:
        changes.append(first_published_at + timedelta(days=days))
    return tuple(now >= moment for moment in changes), [m for m in changes if m > now]


def author_stamp(kwargs):
    """Author id first."""
    now = _now()
    return _stamp(AUTHOR_STAMP_SQL, [now, now, now, now, kwargs["slug"]])


def generation():
    """The numbers the database changes with every write behind the stamps.

    On PostgreSQL this process knows them without a query while no write has been committed
    since it read them (``page_generation.watcher``, told by the triggers' notifications), and
    reads them at least every ``PAGE_GENERATION_RECHECK_SECONDS``. Inside a transaction (whose
    own writes notify nobody until it commits), on SQLite or with ``PAGE_CACHE_LISTEN`` off,
    every call reads them.
    """
    if (
        connection.vendor == "postgresql"
        and settings.PAGE_CACHE_LISTEN
        and not connection.in_atomic_block
    ):
        return watcher.numbers(read_generation)
    return read_generation()


def read_generation():
    """The generation numbers, read: one tiny query.

    As a cached page's first query it also checks the connection, in place of Django's health
    check (``CONN_HEALTH_CHECKS``: a ``SELECT 1`` first, a second round trip on every page): a
    connection the database dropped fails it, and it runs again on a new one."""
    reused = connection.connection is not None
    connection.health_check_done = True
    try:
        return _generation()
    except (InterfaceError, OperationalError):
        # Only a kept connection is worth a second try: a new one that failed would again.
        if not reused or connection.in_atomic_block:
            raise
        connection.close()
        return _generation()


def _generation():
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        return tuple(cursor.fetchall())


# typed: a stamp's parts compare by value, and 1 == True == 1.0 must not share an entry.
@functools.lru_cache(maxsize=LOCAL_PAGES, typed=True)
def last_modified(stamp):
    """The page's Last-Modified header: the newest moment among its stamp's parts (None if it
    has none). Kept per stamp: most readers ask for the same few pages."""
    moments = [moment for part in stamp if isinstance(moment := _moment(part), datetime)]
    return http_date(max(moments).timestamp()) if moments else None


# What each cached page needs: its stamp, which query parameters vary it, whether it carries
# per-reader tokens (private) and whose rating form it shows.


@dataclass(frozen=True)
class CachedPage:
    stamp: object  # kwargs -> (stamp, the next scheduled moment) or None
    # The query parameters that vary the page, part of the key. A request with any other is
    # answered by the view and not stored: made-up parameters must not fill the cache.
    parameters: frozenset = frozenset()
    private: bool = False
    rating_author: object = None  # stamp -> author id whose rating form the page shows


def site_page(*parameters):
    return CachedPage(stamp=site_stamp, parameters=frozenset(parameters))


ARTICLE = CachedPage(
    stamp=article_stamp,
    parameters=frozenset({"comments"}),
    private=True,
    rating_author=lambda stamp: stamp[1],
)
AUTHOR = CachedPage(
    stamp=author_stamp,
    parameters=frozenset({"page"}),
    private=True,
    rating_author=lambda stamp: stamp[0],
)
SEARCH = CachedPage(stamp=search_stamp, parameters=frozenset({"q", "page"}))
PAGES = {
    "articles:detail": ARTICLE,
    "authors:detail": AUTHOR,
    "articles:home": site_page("page"),
    "articles:index": site_page("letter", "category", "page"),
    "articles:category": site_page("page"),
    **dict.fromkeys(
        ["articles:symptoms", "articles:causes", "articles:treatments"],
        site_page("letter", "page"),
    ),
    **dict.fromkeys(
        ["articles:symptom", "articles:cause", "articles:treatment"], site_page("page")
    ),
    **dict.fromkeys(
        ["articles:feed", "articles:atom_feed", "articles:sitemap", "authors:feed"], site_page()
    ),
    "articles:sitemap_section": site_page("p"),
    "articles:search": SEARCH,
}


class Recent:
    """The most recently used entries of this process, up to ``size``; thread-safe."""

    def __init__(self, size):
        self.size, self.entries, self.lock = size, OrderedDict(), Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def set(self, key, entry):
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


# Pages by key: safe to keep, since a key never changes meaning. Stamps by the database's
# generation numbers: valid while no write behind them happened and no scheduled moment passed.
local_pages = Recent(LOCAL_PAGES)
local_stamps = Recent(LOCAL_PAGES)


# Cached pages' paths, resolved: a few of them are most of the traffic.
local_routes = Recent(LOCAL_PAGES)


def forget():
    """Drop this process's pages and stamps (tests, whose rollbacks reuse generation numbers)."""
    local_pages.clear()
    local_stamps.clear()
    local_routes.clear()
    watcher.forget()


def route(path):
    """(the page's kind, the URL's keyword arguments) for a path the cache may answer, else
    None."""
    found = local_routes.get(path)
    if found is None:
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.view_name not in PAGES:
            return None
        found = (match.view_name, match.kwargs)
        local_routes.set(path, found)
    return found


def current_stamp(path, page, kwargs):
    """The stamp of the page at ``path``: remembered while the generation numbers stand, else
    queried."""
    key = (generation(), path)
    remembered = local_stamps.get(key)
    if remembered is not None and (remembered[1] is None or timezone.now() < remembered[1]):
        return remembered[0]
    found = page.stamp(kwargs)
    if found is None:
        return None
    local_stamps.set(key, found)
    return found[0]


# How stored pages are kept (2: UTF-8 bytes), in the keys too: a release that changes it may
# share its Redis with pages the previous one stored, under a pinned DJANGO_RELEASE.
STORED_FORMAT = 2


def key_for(kind, *parts):
    # The release too: a deploy (new templates, or migrations that rewrote live rows) must not
    # serve pages the previous code rendered.
    # And the placeholders' secret: pages stored under another secret key hold placeholders
    # this process could not fill in.
    identity = (release_id(), STORED_FORMAT, placeholder_secret())
    return _digest(kind, identity, parts)


@functools.lru_cache(maxsize=LOCAL_PAGES, typed=True)
def _digest(kind, identity, parts):
    """Kept per page: hashing its parts costs less than writing them out for SHA-256."""
    return f"page:{kind}:{hashlib.sha256(repr((*identity, *parts)).encode()).hexdigest()[:40]}"


def etag_for(key, *reader_parts):
    return quote_etag(hashlib.sha256(repr((key, *reader_parts)).encode()).hexdigest()[:32])


def forms_part(request):
    """What a page with forms depends on besides its key: the reader's CSRF cookie (its token
    is masked from it; ``get_token`` sets it on a first visit) and the form time's period, half
    the time a form stays valid. A browser revalidating a page kept since either changed gets
    the page anew, not a 304 and a form that would be refused."""
    period = settings.COMMENTS_FORM_MAX_AGE_SECONDS // 2
    return request.META["CSRF_COOKIE"], int(time.time() // period)


# Stored pages are UTF-8 bytes, filled in as bytes: encoding each page again per request
# would cost as much as filling it.


@functools.cache
def _placeholders():
    return csrf_placeholder().encode(), re.compile(started_placeholder_pattern().encode())


_RATING_START, _RATING_END = RATING_START.encode(), RATING_END.encode()
_PRESERVED = re.compile(r"(<(pre|textarea|script)\b.*?</\2>)", re.S | re.I)
_WHITESPACE = re.compile(r"\s{2,}")


def minify(html):
    """Collapse the runs of whitespace templates leave to one character, outside <pre>,
    <textarea> and <script>: browsers render the page the same, and it is much smaller."""
    parts = _PRESERVED.split(html)
    # split() yields text, then the two groups of each match: keep every match as it is.
    out = []
    for index, part in enumerate(parts):
        kind = index % 3
        if kind == 0:
            out.append(_WHITESPACE.sub(lambda m: "\n" if "\n" in m.group() else " ", part))
        elif kind == 1:
            out.append(part)
    return "".join(out)


def reader_rating(request, author_id):
    """(score, the rating form as this reader sees it) when the reader rated the author, else
    (None, None): the shared page already shows the unrated form."""
    reader = anonymous_reader(request)
    rating = current_rating(reader, author_id) if reader.is_known else None
    if rating is None:
        return None, None
    fragment = render_to_string(
        "authors/includes/rate_author.html",
        {
            "author": Author.objects.only("name", "slug").get(pk=author_id),
            "reader_score": rating.score,
            "reader_rating_held": rating.is_held,
            "rating_refusal": "",
            "back_url": request.path,
        },
        request=request,
    )
    return f"{rating.score}{rating.status}", fragment


# The kinds of a shared page's parts (``SharedPage.parts``).
_TEXT, _CSRF, _STARTED, _RATING, _RATING_END_KIND = "text", "csrf", "started", "rating", "end"


class SharedPage:
    """A page as every anonymous reader shares it (UTF-8 bytes), cut once where each reader's
    pieces go, so that filling them in is a join rather than three searches of the whole page
    on every request (11 µs of a cached article's 156 in this process, now 2)."""

    def __init__(self, html):
        csrf, started = _placeholders()
        cuts = [(m.start(), m.end(), _STARTED, int(m.group(1))) for m in started.finditer(html)]
        at = html.find(csrf)
        while at >= 0:
            cuts.append((at, at + len(csrf), _CSRF, csrf))
            at = html.find(csrf, at + len(csrf))
        start, end = html.find(_RATING_START), html.find(_RATING_END)
        if start >= 0 and end > start:
            cuts.append((start, start + len(_RATING_START), _RATING, None))
            cuts.append((end, end + len(_RATING_END), _RATING_END_KIND, _RATING_END))
        self.parts, done = [], 0
        for begin, finish, kind, value in sorted(cuts, key=lambda cut: cut[0]):
            self.parts += [(_TEXT, html[done:begin]), (kind, value)]
            done = finish
        self.parts.append((_TEXT, html[done:]))
        kinds = [kind for kind, _value in self.parts]
        if _RATING in kinds:
            # A reader's own rating form replaces the shared one, markers included: filling
            # in resumes after the closing marker.
            self.parts[kinds.index(_RATING)] = (_RATING, kinds.index(_RATING_END_KIND) + 1)

    def fill(self, *, csrf_token, reader_rating=None):
        """The page with this reader's pieces in place: their CSRF token (None: the
        placeholder stays, as in pages without a form), the comment form's start time, and
        their own rating form (None: the shared one)."""
        token = None if csrf_token is None else csrf_token.encode()
        out, parts, index = [], self.parts, 0
        while index < len(parts):
            kind, value = parts[index]
            index += 1
            if kind is _TEXT or kind is _RATING_END_KIND:
                out.append(value)
            elif kind is _CSRF:
                out.append(value if token is None else token)
            elif kind is _STARTED:
                out.append(form_token_now(value).encode())
            elif reader_rating is None:  # _RATING, not replaced
                out.append(_RATING_START)
            else:
                out.append(reader_rating.encode())
                index = value
        return b"".join(out)


class PageCacheMiddleware:
    """Answer anonymous readers' public pages from the cache (see the module's docstring).

    It sits below the CSRF middleware (which sets the reader's token cookie) and above
    sessions, authentication and the view, which run only on a miss or for other readers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not shareable(request):
            return self.personal(request)
        if not enabled():
            return self.view(request)
        found = route(request.path_info)
        if found is None:
            return self.view(request)
        view_name, kwargs = found
        page = PAGES[view_name]
        if set(request.GET) - page.parameters:
            return self.view(request)
        try:
            stamp = current_stamp(request.path, page, kwargs)
        except DatabaseError:
            # The view answers (503 while the database is away): nothing to cache.
            return self.view(request)
        if stamp is None:  # not live: the view answers 404 or redirects
            return self.view(request)
        # The address it was asked by too: pages carry absolute URLs (canonical, feeds, JSON-LD),
        # and a page rendered for one allowed host must not name it to readers of another.
        origin = (request.scheme, request.get_host())
        parameters = tuple((name, tuple(values)) for name, values in sorted(request.GET.lists()))
        key = key_for(view_name, origin, request.path, parameters, stamp)
        score, fragment = (None, None)
        if page.rating_author is not None:
            score, fragment = reader_rating(request, page.rating_author(stamp))
        # Masking the token costs as much as the rest of a cached answer: once per request.
        csrf_token = get_token(request) if page.private else None
        etag = etag_for(key, score or "", *(forms_part(request) if page.private else ()))
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            kept = local_pages.get(key)
            if kept is None:
                stored = cache.get(key)
                if stored is None:
                    rendered = self.render_shared(request)
                    if rendered.status_code != 200:
                        return rendered
                    stored = (rendered["Content-Type"], self.stored_body(rendered))
                    cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
                content_type, html = stored
                kept = (content_type, SharedPage(html))
            local_pages.set(key, kept)
            content_type, shared = kept
            response = HttpResponse(
                shared.fill(csrf_token=csrf_token, reader_rating=fragment), content_type
            )
        response["ETag"] = etag
        if (modified := last_modified(stamp)) is not None:
            response["Last-Modified"] = modified
        # A response of our own making: its headers are set, not merged.
        if page.private:
            response["Cache-Control"] = "private, no-cache"
        else:
            response["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
        response["Vary"] = "Cookie"
        return response

    def personal(self, request):
        """A page rendered for one reader (their name, email, token): no shared cache may keep
        it, whatever its default for pages without Cache-Control."""
        response = self.view(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-cache"
        return response

    def render_shared(self, request):
        """The page as every anonymous reader shares it, rendered by its view."""
        request.shared_page = True
        try:
            return self.view(request)
        finally:
            request.shared_page = False

    def view(self, request):
        """The rest of the stack's answer. A view may have written: this process reads the
        generation numbers again rather than wait for the database's notification."""
        try:
            return self.get_response(request)
        finally:
            watcher.forget()

    @staticmethod
    def stored_body(response):
        if not response["Content-Type"].startswith("text/html"):
            return response.content
        return minify(response.content.decode()).encode()
