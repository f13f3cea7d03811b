"""Full-text search over live published versions: titles, intros, sections and conclusions.

Each published version is indexed once, when it is published (``articles.versions``):
``search_text``, the plain text of intro, sections and conclusion, and on PostgreSQL
``search_vector``, a weighted tsvector (title and condition A, intro B, sections C, conclusion D)
with a GIN index. Editing a working copy never touches the index.

``search_articles`` is the one search: PostgreSQL's full-text search with ranking and
``ts_headline`` snippets there, a word-by-word substring match elsewhere (SQLite), with the same
results: title hits first, then the best body hits, each with an escaped snippet in which the
matched words are wrapped in ``<mark>``.
"""

import html
import re

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, Value, When
from django.utils.functional import cached_property
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .models import PublishedVersion
from .synonyms import variants

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 10
SNIPPET_LENGTH = 220
# Private-use characters mark matches until the snippet is escaped, then become <mark> tags.
START, STOP = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{START}{STOP}]")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|blockquote|pre)>", re.IGNORECASE)


def max_results():
    """Results listed and counted per query at most: counting every match of a common word
    would read every article."""
    return settings.SEARCH_MAX_RESULTS


def config():
    """The text search configuration: English stemming that ignores accents (migration 0020),
    so "meniere" finds "Ménière" and "cafe" "café"."""
    return settings.SEARCH_CONFIG


def uses_postgres():
    return connection.vendor == "postgresql"


def plain_text(rendered_html):
    """Readable text of sanitised HTML: no tags, entities decoded, whitespace collapsed.

    Each paragraph, list item or heading ends with punctuation, so that list items read as
    separate phrases in snippets ("Restricted range of motion. Joint stiffness.").
    """
    pieces = []
    for block in _BLOCK_END.split(rendered_html or ""):
        text = " ".join(_MARKERS.sub("", html.unescape(strip_tags(block))).split())
        if text:
            pieces.append(text if text[-1] in ".!?:;…" else f"{text}.")
    return " ".join(pieces)


def search_parts(version):
    """The searchable text of a version: (intro, sections, conclusion), each plain text."""
    return text_parts(version.intro_html, version.sections, version.conclusion_html)


def text_parts(intro_html, sections, conclusion_html):
    """(intro, sections, conclusion) as plain text, from a version's stored fields (``sections``
    as stored: a list of dicts with a heading and a rendered body)."""
    body = " ".join(
        f"{section['heading']}. {plain_text(section['body_html'])}" for section in sections
    )
    return plain_text(intro_html), body, plain_text(conclusion_html)


def search_text(version):
    """The plain text searched: the condition's other names, then the page's text."""
    names = ". ".join(version.alternative_name_list)
    return " ".join(part for part in (names, *search_parts(version)) if part)


def index_version(version):
    """On PostgreSQL, fill the saved version's ``search_vector`` and ``head_vector`` (one
    UPDATE)."""
    if uses_postgres():
        type(version).objects.filter(pk=version.pk).update(**vectors(*search_parts(version)))


def vectors(intro, sections, conclusion):
    """The two search vectors of a version row, as an update's expressions: the head (title,
    condition and other names, then the intro) and the whole text (the head, then sections and
    conclusion). Used on the model's and on migrations' historical rows alike."""
    head = SearchVector(
        "title", "condition", "alternative_names", weight="A", config=config()
    ) + SearchVector(Value(intro), weight="B", config=config())
    return {
        "head_vector": head,
        "search_vector": head
        + SearchVector(Value(sections), weight="C", config=config())
        + SearchVector(Value(conclusion), weight="D", config=config()),
    }


def query_words(query):
    """The words of ``query``; one-letter words only when there is nothing else."""
    words = re.findall(r"\w+", query)
    return ([word for word in words if len(word) > 1] or words)[:MAX_QUERY_WORDS]


# What a result lists: the page never fetches the sections' JSON of thousands of matches.
LISTED_FIELDS = [
    "pk",
    "article_id",
    "title",
    "slug",
    "condition",
    "alternative_names",
    "summary",
    "first_published_at",
    "category__name",
    "category__slug",
    "author__name",
    "author__slug",
    "author__credentials",
]


class TitleWeights(Func):
    """The weight-A part of a search vector (title, condition): a title hit without parsing
    the title again for every row."""

    function = "ts_filter"
    template = "%(function)s(%(expressions)s, '{a}')"
    output_field = SearchVectorField()


class SearchResults:
    """A lazily evaluated, paginatable result list; each article gets a ``snippet``.

    ``tiers`` are querysets listed one after the other (no row in two of them): the best
    matches ranked, then the others newest first, so that a page reads a few rows of each tier
    instead of ranking every match of a common word. At most ``max_results()`` are listed and
    counted (``capped`` says there are more). On PostgreSQL the highlighted snippets are made
    for the page's rows only, in one more query.
    """

    def __init__(self, matches, tiers, query, search_query=None):
        self.matches = matches
        self.tiers = tiers
        self.words = query_words(query)
        self.search_query = search_query
        self.ordered = True
        self._counts = {}

    def _count(self, queryset):
        if queryset not in self._counts:
            self._counts[queryset] = queryset.order_by()[: max_results() + 1].count()
        return self._counts[queryset]

    @cached_property
    def capped(self):
        return self._count(self.matches) > max_results()

    def count(self):
        return min(self._count(self.matches), max_results())

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        offset, wanted = key.start or 0, (key.stop or max_results()) - (key.start or 0)
        articles = []
        for index, tier in enumerate(self.tiers):
            if wanted <= 0:
                break
            if offset and index < len(self.tiers) - 1:
                size = self._count(tier)
                if offset >= size:
                    offset -= size
                    continue
            rows = list(tier[offset : offset + wanted])
            articles += rows
            wanted -= len(rows)
            offset = 0
        self.add_snippets(articles)
        return articles

    def add_snippets(self, articles):
        if self.search_query is not None:
            headlines = (
                dict(
                    # No ordering: the rows go into a dict (the default one joins articles).
                    PublishedVersion.objects.filter(pk__in=[a.pk for a in articles])
                    .order_by()
                    .annotate(
                        headline=SearchHeadline(
                            "search_text",
                            self.search_query,
                            config=config(),
                            start_sel=START,
                            stop_sel=STOP,
                            max_words=35,
                            min_words=15,
                            max_fragments=2,
                            fragment_delimiter=" … ",
                        )
                    )
                    .values_list("pk", "headline")
                )
                if articles
                else {}
            )
        for article in articles:
            if self.search_query is not None:
                marked = headlines.get(article.pk) or ""
            else:
                marked = mark_words(excerpt(article.search_text, self.words), self.words)
            article.snippet = render_snippet(marked)


def search_articles(query, articles=None):
    """Live versions matching ``query`` or one of its synonym rewrites (``articles.synonyms``):
    those whose title, condition or intro match, title hits first and ranked; then those
    matching elsewhere, newest first. On PostgreSQL at most the newest ``SEARCH_RANKED`` of the
    first kind are ranked; any older ones join the second."""
    articles = PublishedVersion.objects.live() if articles is None else articles
    words = query_words(query)
    if not words:
        return SearchResults(articles.none(), [], query)
    rewrites = variants(query)
    # The words of every rewrite are marked in the snippets.
    marked = " ".join(rewrites)
    articles = articles.select_related("category", "author")
    if uses_postgres():
        search_query = SearchQuery(" or ".join(rewrites), search_type="websearch", config=config())
        articles = articles.only(*LISTED_FIELDS)
        matches = articles.filter(search_vector=search_query)
        # Ranked: the newest SEARCH_RANKED matches in the title, condition, other names or
        # intro (the head vector is part of the search vector: checking only it is enough).
        # Ranking every one of thousands of matches of a common word would cost as much as
        # the page itself; most queries have fewer, and then every one is ranked.
        ranked_ids = (
            articles.filter(head_vector=search_query)
            .order_by("-first_published_at", "-pk")
            .values("pk")[: settings.SEARCH_RANKED]
        )
        head = (
            articles.filter(pk__in=ranked_ids)
            .annotate(
                title_hit=Case(
                    When(SearchVectorExact(TitleWeights("head_vector"), search_query), then=1),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
                rank=SearchRank(F("head_vector"), search_query),
            )
            .order_by("-title_hit", "-rank", "-first_published_at", "pk")
        )
        rest = matches.exclude(pk__in=ranked_ids).order_by("-first_published_at", "-pk")
        return SearchResults(matches, [head, rest], marked, search_query)
    # Without PostgreSQL: every word of some rewrite, as a substring (a plural also matches
    # its singular); no stemming or ranking beyond where the words are.
    matches_all, in_title, in_intro = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    for rewrite in rewrites:
        stems = [singular(word) for word in query_words(rewrite)]
        matches_all |= Q(*(in_name(stem) | Q(search_text__icontains=stem) for stem in stems))
        in_title |= Q(*(in_name(stem) for stem in stems))
        in_intro |= Q(*(Q(summary__icontains=stem) for stem in stems))
    # The same order in one query: the fallback serves small sites.
    results = (
        articles.filter(matches_all)
        .only(*LISTED_FIELDS, "search_text")
        .annotate(
            title_hit=Case(When(in_title, then=Value(1)), default=Value(0)),
            intro_hit=Case(When(in_intro, then=Value(1)), default=Value(0)),
        )
        .order_by("-title_hit", "-intro_hit", "-first_published_at", "pk")
    )
    return SearchResults(results, [results], marked)


def in_name(word):
    return (
        Q(title__icontains=word)
        | Q(condition__icontains=word)
        | Q(alternative_names__icontains=word)
    )


def singular(word):
    """ "migraines" -> "migraine", "calcifications" -> "calcification"; short words as they are."""
    if len(word) > 4 and word.lower().endswith("s") and not word.lower().endswith("ss"):
        return word[:-1]
    return word


SUGGESTION_SQL = """
SELECT word FROM (
    SELECT DISTINCT unnest(regexp_split_to_array(
        lower(names.title || ' ' || names.condition || ' ' || names.alternative_names),
        '[^[:alnum:]]+'
    )) AS word FROM ({live}) AS names
) AS words
WHERE length(word) > 3 AND similarity(word, %s) > 0.3
ORDER BY similarity(word, %s) DESC, word LIMIT 1
"""


def suggestion(query):
    """For a query that found nothing: the query with each unknown word replaced by the
    closest word of a live article's title, condition or other names (PostgreSQL's trigram
    similarity), or "" when nothing is close. Not available on SQLite."""
    if not uses_postgres():
        return ""
    live = PublishedVersion.objects.live().values("title", "condition", "alternative_names")
    live_sql, live_params = live.query.sql_with_params()
    fixed, changed = [], False
    with connection.cursor() as cursor:
        for word in query_words(query)[:5]:
            word = word.lower()
            replacement = word
            if len(word) > 3:
                cursor.execute(SUGGESTION_SQL.format(live=live_sql), [*live_params, word, word])
                row = cursor.fetchone()
                replacement = row[0] if row else word
            changed |= replacement != word
            fixed.append(replacement)
    return " ".join(fixed) if changed else ""


def excerpt(text, words, length=SNIPPET_LENGTH):
    """About ``length`` characters of ``text`` around the first matched word."""
    lowered = text.casefold()
    positions = [lowered.find(word.casefold()) for word in words]
    positions = [position for position in positions if position >= 0]
    start = max(0, min(positions) - length // 3) if positions else 0
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + length)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return f"{prefix}{text[start:end]}{suffix}"


def mark_words(text, words):
    if not words:
        return text
    alternatives = "|".join(re.escape(word) for word in words)
    pattern = re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)
    return pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", text)


def render_snippet(marked):
    """Escape the snippet's text, then turn the match markers into <mark> tags."""
    escaped = str(escape(marked))
    return mark_safe(  # noqa: S308 - the text is escaped; only our own tags are added.
        escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    )
