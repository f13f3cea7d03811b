from django.urls import path

from articles.feeds import AuthorArticlesFeed

from . import views

app_name = "authors"

urlpatterns = [
    path("<slug:slug>/", views.AuthorDetailView.as_view(), name="detail"),
    path("<slug:slug>/feed/", AuthorArticlesFeed(), name="feed"),
]
