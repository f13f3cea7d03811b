from django.urls import path
from django.views.decorators.http import require_safe

from articles.feeds import AuthorArticlesFeed

from . import views

app_name = "authors"

urlpatterns = [
    path("", views.AuthorListView.as_view(), name="index"),
    path("<slug:slug>/", views.AuthorDetailView.as_view(), name="detail"),
    path("<slug:slug>/rate/", views.rate, name="rate"),
    path("<slug:slug>/feed/", require_safe(AuthorArticlesFeed()), name="feed"),
]
