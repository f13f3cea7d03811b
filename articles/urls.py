from django.contrib.sitemaps.views import index as sitemap_index
from django.urls import path
from django.views.decorators.http import require_safe

from . import discovery_views, views
from .feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from .sitemaps import SITEMAPS, sitemap_section
from .terms import TERM_INDEXES, TERM_PAGES

app_name = "articles"

# Anonymous readers get most of these pages from articles.page_cache.PageCacheMiddleware
# (articles/page_cache.py lists which).
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", discovery_views.ArticleIndexView.as_view(), name="index"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("categories/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("search/", discovery_views.SearchView.as_view(), name="search"),
    path("search/conditions/", discovery_views.suggest_conditions, name="suggest"),
    # The symptom, cause and treatment indexes and each term's own page (articles.terms).
    *(
        route
        for kind, (index, _, _) in TERM_INDEXES.items()
        for prefix in [index.removeprefix("articles:")]
        for route in (
            path(f"{prefix}/", discovery_views.TermIndexView.as_view(kind=kind), name=prefix),
            path(
                f"{prefix}/<slug:term>/",
                discovery_views.TermView.as_view(kind=kind),
                name=TERM_PAGES[kind].removeprefix("articles:"),
            ),
        )
    ),
    # Read-only documents: anything but GET and HEAD is a 405, as on every other page.
    path("feeds/latest/", require_safe(LatestArticlesFeed()), name="feed"),
    path("feeds/latest/atom/", require_safe(LatestArticlesAtomFeed()), name="atom_feed"),
    path(
        "sitemap.xml",
        require_safe(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap_section"),
    path("robots.txt", discovery_views.robots_txt, name="robots"),
]
