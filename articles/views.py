from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from authors.ratings import current_score, reader_for
from comments.section import ArticleCommentsMixin

from .models import Article, Category
from .structured_data import article_structured_data, breadcrumb_items, description


class PublishedArticlesMixin:
    """Lists of published articles with their bylines, newest first, paginated."""

    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().with_byline().latest()


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


class ArticleDetailView(ArticleCommentsMixin, DetailView):
    def get_queryset(self):
        # Editors may preview drafts: the same page, with a wider queryset and a banner.
        return (
            Article.objects.visible_to(self.request.user)
            .with_byline()
            .with_sections()
            .with_review()
            .prefetch_related("sections__terms")
        )

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            reader_score=current_score(reader_for(self.request), article.author),
            related_articles=Article.objects.published().related_to(
                article, limit=settings.RELATED_ARTICLES
            ),
            breadcrumbs=breadcrumb_items(article, self.request),
            meta_description=description(article),
            structured_data=article_structured_data(article, self.request),
            **kwargs,
        )
