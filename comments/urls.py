from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post, name="post"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("comments/forget-me/", views.forget_commenter, name="forget"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("comments/<int:pk>/report/", views.report, name="report"),
]
