from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView

from authors.ratings import rating_context
from comments.section import ArticleCommentsMixin

from .models import Article, Category, PublishedVersion
from .structured_data import article_structured_data, breadcrumb_items


class PublishedArticlesMixin:
    """Lists of live articles with their bylines, newest first, paginated."""

    paginate_by = settings.ARTICLES_PER_PAGE

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
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return super().get_queryset().filter(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


def article_page_context(request, version):
    """What the article page shows besides the version itself (also used by the preview)."""
    return {
        **rating_context(request, version.author),
        "breadcrumbs": breadcrumb_items(version, request),
        "meta_description": version.summary,
        "structured_data": article_structured_data(version, request),
    }


class ArticleDetailView(ArticleCommentsMixin, DetailView):
    """The live published version of an article; every reader, editors included, sees this."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return PublishedVersion.objects.live().with_byline().with_review()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = self.renamed_version()
            if moved is None:
                raise
            return redirect(moved, permanent=True)

    def renamed_version(self):
        """The live version of an article that was published, or is edited, under this slug."""
        slug = self.kwargs["slug"]
        article = (
            Article.objects.filter(Q(slug=slug) | Q(published_versions__slug=slug))
            .values_list("pk", flat=True)
            .first()
        )
        if article is None:
            return None
        return PublishedVersion.objects.live().filter(article_id=article).first()

    def get_context_data(self, **kwargs):
        version = self.object
        return super().get_context_data(
            related_articles=PublishedVersion.objects.live().related_to(
                version, limit=settings.RELATED_ARTICLES
            ),
            **article_page_context(self.request, version),
            **kwargs,
        )
