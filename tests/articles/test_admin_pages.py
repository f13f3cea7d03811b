"""Every editorial admin page renders for the roles that may open it."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.templatetags.static import static
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles import workflow
from articles.models import Reference

pytestmark = pytest.mark.django_db


def pages_for(article):
    return [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_workflow", args=[article.pk]),
        reverse("admin:articles_article_import"),
        reverse("admin:authors_author_changelist"),
        reverse("admin:index"),
    ]


def test_editor_opens_every_editorial_page(editor_client, editor_user, reviewed_article, reviewer):
    Reference.objects.create(article=reviewed_article, position=1, text="A source")
    workflow.sign_off_review(reviewed_article, by=editor_user, reviewer=reviewer)
    workflow.publish(reviewed_article, by=editor_user, note="First version")
    urls = [
        *pages_for(reviewed_article),
        reverse("admin:articles_article_history", args=[reviewed_article.pk]),
        reverse("admin:articles_article_revision", args=[reviewed_article.pk, 2]),
        reverse("admin:articles_article_preview", args=[reviewed_article.pk]),
        reverse("admin:articles_articledueforreview_changelist"),
        reverse("admin:authors_author_change", args=[reviewed_article.author_id]),
    ]
    for url in urls:
        response = editor_client.get(url)
        assert response.status_code == 200, url
    change = editor_client.get(urls[2])
    assertContains(change, "What readers see")
    assertContains(change, '<div class="readonly">Live</div>', html=True)
    # The script tag also carries the request's CSP nonce, so only its address is compared.
    assertContains(change, f'<script src="{static("js/admin-section-order.js")}"')
    workflow_page = editor_client.get(urls[3])
    assertContains(workflow_page, "Publish now")
    assertContains(workflow_page, "Unpublish")
    assertContains(workflow_page, "reviewed by Rita Reviewer, MD")
    assertContains(workflow_page, "No changes.")  # the working copy is what readers see
    history = editor_client.get(urls[7])
    assertContains(history, "Signed off: Rita Reviewer, MD")
    assertContains(history, "Published as version 1")


def test_author_opens_their_pages_and_sees_only_their_actions(author_client, own_draft):
    for url in pages_for(own_draft):
        assert author_client.get(url).status_code == 200, url
    workflow_page = author_client.get(pages_for(own_draft)[3])
    assertContains(workflow_page, "Submit for review")
    assertNotContains(workflow_page, "Publish now")
    assertNotContains(workflow_page, "Sign off")
    index = author_client.get(reverse("admin:index"))
    assertNotContains(index, "Articles due for review")
    assertNotContains(index, "Awaiting your review")


def test_demo_accounts_join_their_groups(db):
    call_command("create_demo_accounts", stdout=StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    assert list(users["author"].groups.values_list("name", flat=True)) == ["Authors"]
    assert list(users["editor"].groups.values_list("name", flat=True)) == ["Editors"]
    assert users["editor"].has_perm("articles.publish_article")
    assert not users["author"].has_perm("articles.publish_article")
    assert Group.objects.get(name="Authors").permissions.filter(codename="change_article")
