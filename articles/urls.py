from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.http import require_safe

from . import discovery_views, views
from .feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from .sitemaps import SITEMAPS

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
    path(
        "symptoms/",
        discovery_views.TermIndexView.as_view(kind="symptoms"),
        name="symptoms",
    ),
    path("causes/", discovery_views.TermIndexView.as_view(kind="causes"), name="causes"),
    path(
        "treatments/",
        discovery_views.TermIndexView.as_view(kind="treatment"),
        name="treatments",
    ),
    path(
        "symptoms/<slug:term>/",
        discovery_views.TermView.as_view(kind="symptoms"),
        name="symptom",
    ),
    path("causes/<slug:term>/", discovery_views.TermView.as_view(kind="causes"), name="cause"),
    path(
        "treatments/<slug:term>/",
        discovery_views.TermView.as_view(kind="treatment"),
        name="treatment",
    ),
    # Read-only documents: anything but GET and HEAD is a 405, as on every other page.
    path("feeds/latest/", require_safe(LatestArticlesFeed()), name="feed"),
    path("feeds/latest/atom/", require_safe(LatestArticlesAtomFeed()), name="atom_feed"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", discovery_views.robots_txt, name="robots"),
]
