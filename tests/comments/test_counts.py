"""The counts the article page reads from the article row (comments shown, threads paged)
follow every flow that changes comments: posting, moderation, withdrawal, a moderator's reply,
erasure and deletion in the admin."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments import changes, moderation
from comments.models import Comment
from tests.factories import signed_in_client

pytestmark = pytest.mark.django_db


def assert_counts_are_what_pages_show(article):
    article.refresh_from_db()
    shown = Comment.objects.shown().filter(article=article).count()
    threads = Comment.objects.approved().filter(article=article, parent__isnull=True).count()
    assert (article.published_comments, article.published_threads) == (shown, threads)


def test_every_flow_that_changes_comments_keeps_the_article_counts(
    article, post, moderator, settings
):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    for number in range(3):
        reader = Client(REMOTE_ADDR=f"10.9.0.{number}")
        post(article, using=reader, email=f"r{number}@example.com", body=f"Thread {number}.")
    held = list(Comment.objects.filter(article=article).order_by("pk"))
    assert_counts_are_what_pages_show(article)

    moderation.approve(held[0], by=moderator)
    moderation.approve(held[1], by=moderator)
    assert_counts_are_what_pages_show(article)
    moderation.reject(held[2], by=moderator, reason="off-topic")
    assert_counts_are_what_pages_show(article)

    changes.reply_as_staff(held[0], "Please see your doctor.", by=moderator)
    assert_counts_are_what_pages_show(article)
    changes.withdraw_comment(Comment.objects.get(pk=held[1].pk))
    assert_counts_are_what_pages_show(article)
    moderation.reject(Comment.objects.get(pk=held[0].pk), by=moderator, reason="off-topic")
    assert_counts_are_what_pages_show(article)  # its reply left the page with it

    call_command("commenter_data", "erase", "r1@example.com", stdout=io.StringIO())
    assert_counts_are_what_pages_show(article)

    moderation.approve(Comment.objects.get(pk=held[2].pk), by=moderator)
    assert_counts_are_what_pages_show(article)
    superuser = get_user_model().objects.create_superuser("root", "root@example.com")
    admin = signed_in_client(superuser)
    changelist = reverse("admin:comments_comment_changelist")
    admin.post(
        changelist, {"action": "delete_selected", "_selected_action": [held[2].pk], "post": "yes"}
    )
    admin.post(reverse("admin:comments_comment_delete", args=[held[1].pk]), {"post": "yes"})
    assert not Comment.objects.filter(pk__in=[held[1].pk, held[2].pk]).exists()
    assert_counts_are_what_pages_show(article)
    assert Article.objects.get(pk=article.pk).published_threads == 0
