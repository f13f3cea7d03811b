"""The article page runs the same number of queries with 1 or 300 comments."""

import pytest

from articles.models import Article
from comments.models import Comment
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def add_comments(article, threads, replies_each, author_user=None):
    tops = Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"Reader {n}",
            email=f"r{n}@example.com",
            body=f"Top {n}.",
            status=Comment.Status.APPROVED,
        )
        for n in range(threads)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=top,
            name="Replier",
            email="re@example.com",
            body=f"Reply {top.pk}-{n}.",
            status=Comment.Status.APPROVED,
            user=author_user,
        )
        for top in tops
        for n in range(replies_each)
    )
    # As the moderation that approves them would: the page reads the counts.
    Article.objects.filter(pk=article.pk).comments_changed()


def test_article_page_query_count_does_not_grow_from_1_to_300_comments(
    client, make_article, django_user_model, author
):
    writer = django_user_model.objects.create_user("writer")
    author.user = writer
    author.save()
    small, large = make_article(), make_article()
    add_comments(small, threads=1, replies_each=0)
    add_comments(large, threads=100, replies_each=2, author_user=writer)
    assert Comment.objects.filter(article=large).count() == 300

    few, _ = count_queries(client, small.get_absolute_url())
    many, page = count_queries(client, large.get_absolute_url())
    assert few == many
    assert few <= 12  # the article page's fixed set: byline, sections, review, related, comments
    assert page.count('<article class="comment"') == 50 + 100
    assert page.count("Article author</span>") == 100


def test_the_commenters_own_pending_comments_cost_one_fixed_query(
    client, make_article, post, form_token
):
    article = make_article()
    add_comments(article, threads=3, replies_each=1)
    for n in range(3):
        post(article, body=f"Mine {n}.")
    first, _ = count_queries(client, article.get_absolute_url())
    add_comments(article, threads=60, replies_each=1)
    post(article, body="Mine again.")
    second, page = count_queries(client, article.get_absolute_url())
    assert first == second
    assert "Mine again." in page
