"""Pages that help readers find articles: the A-Z index, search, term indexes and robots.txt."""

import string
from itertools import groupby
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from symptomdb.inputs import PageField, PageParameters, ParameterForm, ParametersMixin

from .conditions import split_names
from .models import Category, PublishedVersion, VersionTerm, filed_under_letter
from .search import MAX_QUERY_LENGTH, max_results, search_articles, suggestion
from .terms import TERM_INDEXES, TERM_PAGES

OTHER_LETTER = "#"
LETTERS = [*string.ascii_uppercase, OTHER_LETTER]
# Articles a term index shows under each term; its own page lists them all.
TERM_ARTICLES_SHOWN = 6
TERMS_PER_PAGE = 100


class LetterParameters(ParameterForm):
    """An index's letter (A to Z, "#" for any other initial; none for all) and page."""

    letter = forms.CharField(required=False)
    page = PageField()

    def clean_letter(self):
        letter = self.cleaned_data["letter"]
        # ASCII only: a dotless i's capital is "I", and one letter's page has one address.
        letter = letter.upper() if letter.isascii() else "?"
        if letter and letter not in LETTERS:
            raise forms.ValidationError("the A to Z index has the letters A to Z and # only.")
        return letter


class IndexParameters(LetterParameters):
    category = forms.SlugField(required=False, max_length=100)


class IndexPaginator(Paginator):
    """Pages of the A-Z that also know the sort key of the next page's first row
    (``page.next_key``), which places each other name on one page. Costs no query: the page's
    slice takes one row more."""

    def page(self, number):
        page = super().page(number)
        bottom = (page.number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = list(self.object_list[bottom : top + 1])
        page.next_key = rows.pop().az_key if len(rows) > top - bottom else None
        page.object_list = rows
        return page


class ArticleIndexView(ParametersMixin, ListView):
    """Live articles A-Z by condition (or title), by letter and category, paginated.

    The conditions' other names ("Ringing in the ears: see Tinnitus") are listed on the page
    whose names they sort among, so that every page stays as short as its articles.
    """

    template_name = "articles/article_index.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    paginator_class = IndexPaginator
    parameters_form = IndexParameters

    def get_queryset(self):
        self.category = None
        if slug := self.parameters["category"]:
            self.category = get_object_or_404(Category.objects.with_live_articles(), slug=slug)
        self.letter = self.parameters["letter"]

        self.in_scope = PublishedVersion.objects.live().with_az_name()
        if self.category:
            self.in_scope = self.in_scope.filter(category=self.category)
        articles = (
            self.in_scope.select_related("category", "author")
            .without_search_columns()
            .without_page_body()
        )
        if self.letter:
            articles = articles.filter(filed_under_letter("az_letter", self.letter))
        return articles.in_az_order()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(self.in_scope.az_letters_and_other_names())
        other_names = other_names_from(rows)
        used = {filed_under(letter) for letter, *_ in rows}
        used.update(name.letter for name in other_names)
        if self.letter:
            other_names = [name for name in other_names if name.letter == self.letter]
        return {
            **context,
            "canonical_path": listing_path(
                self.request, letter=self.letter, category=self.category and self.category.slug
            ),
            "cross_references": cross_references_on(context["page_obj"], other_names),
            "letters": [(letter, letter in used) for letter in LETTERS],
            "letter": self.letter,
            "category": self.category,
            "categories": Category.objects.with_published_counts(),
        }


def listing_path(request, **filters):
    """This index's address with the filters that choose its entries, as the view read them
    (the canonical address of a letter's pages; ``canonical_url`` adds the page number)."""
    chosen = {name: value for name, value in filters.items() if value}
    return f"{request.path}?{urlencode(chosen)}" if chosen else request.path


def filed_under(initial):
    return initial if initial in string.ascii_uppercase else OTHER_LETTER


class OtherName(NamedTuple):
    key: str  # what it sorts by: lower-cased by the database, as articles' az_key
    name: str
    see: str
    slug: str
    letter: str


def other_names_from(rows):
    """The conditions' other names, A-Z, each with the name and slug of its article and the
    letter it is filed under (rows from ``az_letters_and_other_names``)."""
    names = (
        OtherName(key, name, see, slug, filed_under(name[0].upper()))
        for _, names, keys, see, slug in rows
        if slug
        for name, key in zip(split_names(names), split_names(keys), strict=True)
    )
    return sorted(names)


def cross_references_on(page, other_names):
    """The other names that sort from this page's first article to the next page's first (the
    first page from the start, the last page to the end), each pointing at its article
    ("Ectopic calcifications → see Heterotopic calcifications"), as a printed index would."""
    articles = page.object_list
    start = articles[0].az_key if articles and page.has_previous() else None
    end = page.next_key
    return [
        {
            "name": other.name,
            "see": other.see,
            "url": reverse("articles:detail", kwargs={"slug": other.slug}),
        }
        for other in other_names
        if (start is None or other.key >= start) and (end is None or other.key < end)
    ]


class SearchParameters(ParameterForm):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Please search for at most {MAX_QUERY_LENGTH} characters."},
    )
    page = PageField()

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def error_message(self):
        return " ".join(error for errors in self.errors.values() for error in errors)


class SearchView(ParametersMixin, ListView):
    """Full-text search over live articles, title hits first, with highlighted snippets."""

    template_name = "articles/search.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    parameters_form = SearchParameters
    suggested = ""

    def get(self, request, *args, **kwargs):
        self.query = self.parameters["q"]
        return super().get(request, *args, **kwargs)

    def parameters_invalid(self, form):
        """The search page again, with the reader's words and what to change."""
        self.query = " ".join(form.data.get("q", "").split())[:MAX_QUERY_LENGTH]
        self.object_list = search_articles("")
        context = self.get_context_data(error=form.error_message())
        return self.render_to_response(context, status=400)

    def get_queryset(self):
        self.suggested = ""
        results = search_articles(self.query)
        if self.query and not results.count() and (suggested := suggestion(self.query)):
            # "migrane" found nothing: show what "migraine" finds, and say so.
            self.suggested = suggested
            results = search_articles(suggested)
        return results

    def get_context_data(self, **kwargs):
        results = self.object_list
        context = super().get_context_data(
            query=self.query,
            page_title=f"Search: {self.query}" if self.query else "Search",
            suggested=self.suggested,
            results_label=results_label(results.count(), capped=results.capped),
            categories=Category.objects.with_published_counts() if self.query else [],
            canonical_path=self.canonical_path(),
            **kwargs,
        )
        context["indexable"] = self.indexable(context["page_obj"], kwargs.get("error"))
        return context

    def canonical_path(self):
        """One URL per query however it was typed ("Knee  Pain" is "knee pain"), so that
        search engines list the page once."""
        if not self.query:
            return reverse("articles:search")
        return f"{reverse('articles:search')}?{urlencode({'q': self.query.lower()})}"

    def indexable(self, page, error):
        """Whether search engines may list this page: only the first page of results for a
        name of a condition it lists ("tinnitus", "ringing in the ears"), a landing page for
        the words readers use. Any other query stays out (noindex): a link to a page that
        quotes someone's words in its title would otherwise publish them under the site's
        name ("calcifications or <any claim>" finds articles too)."""
        if error or self.suggested or not self.query or page is None or page.number != 1:
            return False
        return any(article.is_named(self.query) for article in page.object_list)


def results_label(count, *, capped):
    if capped:
        return f"More than {max_results():,} results"
    return f"{count:,} result" + ("" if count == 1 else "s")


class TermIndexView(ParametersMixin, ListView):
    """Terms of one section kind ("Joint stiffness") A-Z, by letter, paginated like the A-Z:
    each with the first articles naming it (``TERM_ARTICLES_SHOWN``) and a link to its own
    page when there are more. A page holds ``TERMS_PER_PAGE`` terms however many there are."""

    template_name = "articles/term_index.html"
    paginate_by = TERMS_PER_PAGE
    parameters_form = LetterParameters
    kind = "symptoms"

    def get_queryset(self):
        self.letter = self.parameters["letter"]
        self.in_scope = VersionTerm.objects.live().of_kind(self.kind)
        terms = self.in_scope.initial_in(self.letter) if self.letter else self.in_scope
        return terms.entries()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = context["page_obj"].object_list
        rows = self.in_scope.filter(slug__in=[entry["slug"] for entry in entries]).for_index(
            TERM_ARTICLES_SHOWN
        )
        shown = {slug: list(group) for slug, group in groupby(rows, key=lambda row: row[0])}
        terms = []
        for entry in entries:
            group = shown.get(entry["slug"], [])
            count = group[0][5] if group else 0
            articles = [
                {
                    "name": condition or title,
                    "title": title,
                    "url": reverse("articles:detail", kwargs={"slug": article_slug}),
                }
                for _, _, article_slug, title, condition, _ in group
            ]
            terms.append(
                {
                    "slug": entry["slug"],
                    "name": entry["term"],
                    "letter": filed_under(entry["term"][:1].upper()),
                    "articles": articles,
                    "count": count,
                    "more": count - len(articles),
                    "url": reverse(TERM_PAGES[self.kind], kwargs={"term": entry["slug"]}),
                }
            )
        _, title, noun = TERM_INDEXES[self.kind]
        used = {filed_under(initial) for initial in self.in_scope.initials()}
        # One heading and one description list per letter (a heading may not sit in a list).
        groups = [
            {
                "letter": letter,
                "anchor": "letter-other" if letter == OTHER_LETTER else f"letter-{letter}",
                "terms": list(group),
            }
            for letter, group in groupby(terms, key=lambda term: term["letter"])
        ]
        return {
            **context,
            "canonical_path": listing_path(self.request, letter=self.letter),
            "terms": terms,
            "groups": groups,
            "letters": [(letter, letter in used) for letter in LETTERS],
            "letter": self.letter,
            "page_title": title,
            "noun": noun,
            "indexes": [(name, label) for name, label, _ in TERM_INDEXES.values()],
        }


class TermView(ParametersMixin, ListView):
    """Every live article naming one term of an index ("Joint stiffness"), A-Z, paginated."""

    template_name = "articles/term_detail.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    parameters_form = PageParameters
    kind = "symptoms"

    def get_queryset(self):
        slug = self.kwargs["term"]
        terms = VersionTerm.objects.live().of_kind(self.kind).filter(slug=slug)
        self.term = terms.values_list("name", flat=True).first()
        if self.term is None:
            raise Http404("No published article names this term.")
        return (
            PublishedVersion.objects.live()
            .filter(terms__kind=self.kind, terms__slug=slug)
            .with_az_name()
            .only("title", "slug", "condition")
            .in_az_order()
        )

    def get_context_data(self, **kwargs):
        index, title, noun = TERM_INDEXES[self.kind]
        return super().get_context_data(
            term=self.term, index_url=reverse(index), index_title=title, noun=noun, **kwargs
        )


class SuggestParameters(ParameterForm):
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH)

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


@require_safe
def suggest_conditions(request):
    """Condition names starting with ``?q=`` as JSON, for the header search's suggestions
    (``static/js/site.js``); the search itself works without them."""
    form = SuggestParameters(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": "Please search for at most 200 characters."}, status=400)
    prefix = form.cleaned_data["q"]
    names = PublishedVersion.objects.live().names_starting(prefix) if len(prefix) >= 2 else []
    response = JsonResponse({"names": names})
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
    return response


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        # Search pages are not disallowed: each says whether it may be listed
        # (SearchView.indexable), and a crawler must read a page to see its noindex. The name
        # suggestions are not pages.
        f"Disallow: {reverse('articles:suggest')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
