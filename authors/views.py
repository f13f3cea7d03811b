from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article

from .models import Author


class AuthorDetailView(ListView):
    """An author's page: who they are, where they work, and their published articles."""

    template_name = "authors/author_detail.html"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        self.author = get_object_or_404(
            Author.objects.prefetch_related("affiliation_links__affiliation"),
            slug=self.kwargs["slug"],
        )
        return (
            Article.objects.published().for_author(self.author).select_related("category").latest()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)
