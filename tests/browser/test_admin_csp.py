"""Every admin page works under the site's Content-Security-Policy: a real browser visits each
list, add, change and history page, and the site's own admin views, as a superuser; any
blocked script or style is a console error and fails the test."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from comments.models import Comment

from .helpers import DEMO_PASSWORD, login, step


def admin_pages(article, superuser):
    """The admin's pages worth a visit: for each registered model its list, its add page (when
    the admin offers one) and, when a row exists, its change and history pages; then the
    site's own admin views."""
    request = RequestFactory().get("/")
    request.user = superuser
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{prefix}_add"))
        row = model_admin.get_queryset(request).order_by("pk").first()
        if row is not None:
            pages.append(reverse(f"{prefix}_change", args=[row.pk]))
            pages.append(reverse(f"{prefix}_history", args=[row.pk]))
    comment = Comment.objects.order_by("pk").first()
    revision = article.revisions.order_by("number").last()
    pages += [
        reverse("admin:articles_article_preview", args=[article.pk]),
        reverse("admin:articles_article_import"),
        reverse("admin:articles_article_workflow", args=[article.pk]),
        reverse("admin:articles_article_revision", args=[article.pk, revision.number]),
        reverse("admin:comments_commenter_data"),
    ]
    if comment is not None:
        pages.append(reverse("admin:comments_comment_reply", args=[comment.pk]))
    return pages


def test_every_admin_page_renders_without_a_csp_violation(new_page, seeded):
    chief = get_user_model().objects.create_superuser("chief", "chief@example.com", DEMO_PASSWORD)
    Comment.objects.create(
        article=seeded, name="Any Reader", email="any@example.com", body="A comment."
    )
    page = new_page()
    login(page, "chief")
    for url in admin_pages(seeded, chief):
        with step(f"open {url}"):
            response = page.goto(url)
            assert response.status < 400, f"{url}: {response.status}"
