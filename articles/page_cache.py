"""Whole pages for anonymous readers, cached under a key made of what the page shows.

A public page shows immutable published versions, so its cache key is a *stamp*: the live
version, its comments' last change, its author's profile and rating counts, and the site's last
publication (which changes related lists), read in one small query. Any change that readers
would see gives a new stamp, hence a new key: a publication, a scheduled time arriving (the
stamp is computed against the clock), an approved comment, a rating, an author's new
credentials. Nothing is ever invalidated by hand, so nothing can be forgotten, and stamps live
in the database, so every process and machine agrees on them whatever the cache backend.

The cached HTML is the same for every anonymous reader: per-reader pieces are placeholders,
filled in per request (the CSRF token, the comment form's start time) or rendered per request
(the reader's own rating). Readers with a session or a flash message (they just posted, or are
signed in) get the page rendered for them alone and never stored.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models import Subquery
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, quote_etag

from authors.models import STARS, Author
from comments.forms import make_form_token
from comments.section import STARTED_PLACEHOLDER

from .models import Category, PublishedVersion

CSRF_PLACEHOLDER = "__SDB_CSRF_TOKEN__"
RATING_START = "<!--reader-rating-->"
RATING_END = "<!--/reader-rating-->"


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def shareable(request):
    """Whether ``request`` may get (and fill) the page that every anonymous reader shares."""
    return (
        request.method in {"GET", "HEAD"}
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        and not request.COOKIES.get(CookieStorage.cookie_name)
    )


def _latest(queryset, field):
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def site_stamp_fields(now):
    """The site-wide part of every stamp: the last publication or unpublication that has
    happened by ``now``, and the last change of any author's or category's name."""
    return {
        "went_live": _latest(PublishedVersion.objects.filter(live_from__lte=now), "live_from"),
        "ended": _latest(PublishedVersion.objects.filter(live_until__lte=now), "live_until"),
        "authors_changed": _latest(Author.objects.all(), "updated_at"),
        "categories_changed": _latest(Category.objects.all(), "updated_at"),
    }


def site_stamp():
    """The site-wide stamp, in one query (None when there is nothing to show)."""
    fields = site_stamp_fields(timezone.now())
    return Category.objects.annotate(**fields).values_list(*fields).order_by()[:1].first()


def article_stamp(slug):
    """The stamp of the article at ``slug`` (version id, author id, then what the page shows),
    in one query; None if nothing is live there."""
    now = timezone.now()
    fields = site_stamp_fields(now)
    own = [
        "pk",
        "author_id",
        "article__comments_changed_at",
        "author__updated_at",
        *(f"author__stars_{stars}" for stars in STARS),
        "reviewed_by__updated_at",
        "category__updated_at",
    ]
    return (
        PublishedVersion.objects.live(now)
        .filter(slug=slug)
        .annotate(**fields)
        .values_list(*own, *fields)
        .first()
    )


def author_stamp(slug):
    """The stamp of the author page at ``slug`` (author id first), in one query; None if no
    such author."""
    fields = site_stamp_fields(timezone.now())
    own = ["pk", "updated_at", *(f"stars_{stars}" for stars in STARS)]
    return Author.objects.filter(slug=slug).annotate(**fields).values_list(*own, *fields).first()


def reader_rating(request, author_id):
    """(score, the rating form as this reader sees it) when the reader rated the author, else
    (None, None): the shared page already shows the unrated form."""
    from authors.ratings import current_score, reader_for

    reader = reader_for(request)
    score = current_score(reader, author_id) if reader.is_known else None
    if score is None:
        return None, None
    fragment = render_to_string(
        "authors/includes/rate_author.html",
        {
            "author": Author.objects.only("name", "slug").get(pk=author_id),
            "reader_score": score,
            "rating_refusal": "",
            "back_url": request.path,
        },
        request=request,
    )
    return score, fragment


def key_for(kind, *parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"page:{kind}:{digest}"


def etag_for(key, reader_part=""):
    return quote_etag(hashlib.sha256(f"{key}|{reader_part}".encode()).hexdigest()[:32])


def not_modified(request, etag):
    return etag in parse_etags(request.headers.get("If-None-Match", ""))


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


def fill(request, html, *, reader_rating=None):
    """The shared HTML with this reader's pieces in place."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if STARTED_PLACEHOLDER in html:
        html = html.replace(STARTED_PLACEHOLDER, make_form_token())
    if reader_rating is not None:
        start, end = html.find(RATING_START), html.find(RATING_END)
        if start >= 0 and end > start:
            html = html[:start] + reader_rating + html[end + len(RATING_END) :]
    return html


def serve(request, key, render, *, etag, last_modified=None, private=True, reader_rating=None):
    """Answer from the cache (or render and store), filled for this reader, with validators.

    ``render()`` returns the shared page as an ``HttpResponse``; only a 200 is stored.
    ``private`` pages carry per-reader tokens, so only the reader's browser may keep them (and
    revalidate them with the ETag); public ones may be kept by a proxy for a minute.
    """
    if not_modified(request, etag):
        response = HttpResponseNotModified()
    else:
        cached = cache.get(key)
        if cached is None:
            rendered = render()
            if rendered.status_code != 200:
                return rendered
            html = rendered.content.decode()
            if rendered["Content-Type"].startswith("text/html"):
                html = minify(html)
            cached = (rendered["Content-Type"], html)
            cache.set(key, cached, settings.PAGE_CACHE_SECONDS)
        content_type, html = cached
        response = HttpResponse(
            fill(request, html, reader_rating=reader_rating), content_type=content_type
        )
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    if private:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    return response


def rendered(response):
    """A view's response, rendered if it is a template response."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def latest_time(stamp):
    """The newest moment among a stamp's parts: the page's Last-Modified."""
    moments = [part for part in stamp if hasattr(part, "timestamp")]
    return max(moments) if moments else None


def site_page(view):
    """Serve a page that shows only published, site-wide data (lists, feeds, the sitemap)
    from the cache, for every anonymous reader alike, keyed on the site's stamp and the URL."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not (enabled() and shareable(request)):
            return view(request, *args, **kwargs)
        stamp = site_stamp()
        key = key_for("site", request.path, sorted(request.GET.lists()), stamp)
        return serve(
            request,
            key,
            lambda: rendered(view(request, *args, **kwargs)),
            etag=etag_for(key),
            last_modified=latest_time(stamp or ()),
            private=False,
        )

    return cached_view
