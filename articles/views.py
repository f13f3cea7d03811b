import datetime

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import DetailView, ListView

from authors.ratings import rating_context
from comments.section import ArticleCommentsMixin
from comments.views import answer_comment_post
from symptomdb.compiled import CompiledQuery
from symptomdb.inputs import PageField, PageParameters, ParameterForm, ParametersMixin

from . import page_cache
from .models import Category, PublishedVersion
from .structured_data import article_structured_data, breadcrumb_items
from .versions import page_body


class PublishedArticlesMixin(ParametersMixin):
    """Lists of live articles with their bylines, newest first, paginated."""

    paginate_by = settings.ARTICLES_PER_PAGE
    parameters_form = PageParameters

    def get_queryset(self):
        return PublishedVersion.objects.live().with_byline().newest_first()


class HomeView(PublishedArticlesMixin, ListView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=Category.objects.with_published_counts(), **kwargs
        )


class CategoryView(PublishedArticlesMixin, ListView):
    template_name = "articles/category_detail.html"

    def get_queryset(self):
        # A category readers have no article in is not shown, not even its name.
        self.category = get_object_or_404(
            Category.objects.with_live_articles(), slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


def article_page_context(request, version, *, shared=False):
    """What the article page shows of and besides the version (also used by the preview).

    ``shared``: for the page every anonymous reader gets, without this reader's rating.
    """
    reader = (
        {"rating_refusal": "", "reader_score": None, "reader_rating_held": False}
        if shared
        else None
    )
    return {
        **(reader or rating_context(request, version.author)),
        "article_body": page_body(version),
        "breadcrumbs": breadcrumb_items(version),
        "meta_description": version.summary,
        "structured_data": article_structured_data(version, request),
    }


class ArticleParameters(ParameterForm):
    """The article page's parameters: which page of comments, which comment to answer."""

    comments = PageField(label="comments")
    reply_to = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


def article_page_versions(slug, now):
    """The version live at ``now`` under ``slug``, with everything the article page shows of it
    besides its comments and related articles (bylines and their places included), in one
    row."""
    return (
        PublishedVersion.objects.live(now)
        .select_related("category")
        .with_byline_places()
        .without_search_columns()
        .with_comment_count()
        .with_comment_state()
        .filter(slug=slug)
        .order_by()  # one row: publishing keeps a live slug to one article
    )


def live_related_articles(article, now):
    """The live versions of the articles listed as related to ``article``, in order."""
    return PublishedVersion.objects.live(now).related_to(article)


# Every uncached article page runs them: compiled once, the page's version costs a sixth of
# what it did to read.
ARTICLE_PAGE_VERSIONS = CompiledQuery(
    PublishedVersion, article_page_versions, slug=str, now=datetime.datetime
)
RELATED_ARTICLES = CompiledQuery(
    PublishedVersion, live_related_articles, article=int, now=datetime.datetime
)


class ArticleDetailView(ParametersMixin, ArticleCommentsMixin, DetailView):
    """The live published version of an article; every reader, editors included, sees this.

    Anonymous readers get it from ``articles.page_cache``; rendered for that cache
    (``request.shared_page``), it holds no reader's data, only placeholders.
    """

    template_name = "articles/article_detail.html"
    context_object_name = "article"
    parameters_form = ArticleParameters

    def get_object(self, queryset=None):
        found = ARTICLE_PAGE_VERSIONS.fetch(slug=self.kwargs["slug"], now=timezone.now())
        if not found:
            raise Http404("No article is published at this address.")
        (version,) = found  # publishing keeps a live slug to one article
        version.attach_byline_places()
        return version

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            moved = self.renamed_version()
            if moved is None:
                raise
            return redirect(moved, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def post(self, request, *args, **kwargs):
        """The comment form posts to the article's own address (``comments.views``)."""
        self.object = self.get_object()
        return answer_comment_post(self, request)

    def renamed_version(self):
        """The live version of the article readers last saw under this slug, now under another.

        Only published slugs count: a working copy's slug is an author's unreviewed choice,
        which must not send readers of another article's old address anywhere.
        """
        article = (
            PublishedVersion.objects.ever_live()
            .filter(slug=self.kwargs["slug"])
            .order_by("-live_from", "-pk")
            .values_list("article_id", flat=True)
            .first()
        )
        if article is None:
            return None
        return PublishedVersion.objects.live().filter(article_id=article).first()

    def get_context_data(self, **kwargs):
        version = self.object
        context = super().get_context_data(
            related_articles=RELATED_ARTICLES.fetch(article=version.article_id, now=timezone.now()),
            **article_page_context(self.request, version, shared=self.shared),
            **kwargs,
        )
        if self.shared:
            context["csrf_token"] = page_cache.csrf_placeholder()
        return context

    @property
    def shared(self):
        return getattr(self.request, "shared_page", False)
