from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import discovery_views, views
from .feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from .page_cache import site_page
from .sitemaps import SITEMAPS

app_name = "articles"

# Pages that show only published, site-wide data (search results too: a query is a URL) are
# served from the page cache to anonymous readers (articles/page_cache.py); the article and
# author pages cache themselves, with per-reader pieces.
urlpatterns = [
    path("", site_page(views.HomeView.as_view()), name="home"),
    path("articles/", site_page(discovery_views.ArticleIndexView.as_view()), name="index"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("categories/<slug:slug>/", site_page(views.CategoryView.as_view()), name="category"),
    path("search/", site_page(discovery_views.SearchView.as_view()), name="search"),
    path(
        "symptoms/",
        site_page(discovery_views.TermIndexView.as_view(kind="symptoms")),
        name="symptoms",
    ),
    path("causes/", site_page(discovery_views.TermIndexView.as_view(kind="causes")), name="causes"),
    path(
        "treatments/",
        site_page(discovery_views.TermIndexView.as_view(kind="treatment")),
        name="treatments",
    ),
    path("feeds/latest/", site_page(LatestArticlesFeed()), name="feed"),
    path("feeds/latest/atom/", site_page(LatestArticlesAtomFeed()), name="atom_feed"),
    path("sitemap.xml", site_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", discovery_views.robots_txt, name="robots"),
]
