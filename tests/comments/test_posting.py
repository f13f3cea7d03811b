"""Readers posting comments and seeing them under the article."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from comments.models import Comment, CommentSettings
from comments.section import PAGE_COMMENTS
from symptomdb.addresses import address_hash

pytestmark = pytest.mark.django_db


def test_a_posted_comment_waits_for_moderation_and_redirects_with_thanks(client, article, post):
    response = post(article)
    assert response.status_code == 302
    assert response.url == article.get_absolute_url() + "#comments"
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_by == "first-comment"
    page = client.get(response.url).content.decode()
    assert "Thank you — your comment is awaiting moderation." in page


def test_only_the_raw_address_hash_is_stored_never_the_address(article, post):
    post(article)
    comment = Comment.objects.get()
    assert comment.address_hash == address_hash("127.0.0.1")
    assert "127.0.0.1" not in str(Comment.objects.values().get())


def test_the_commenter_sees_their_pending_comment_and_nobody_else_does(client, article, post):
    post(article, body="My pending words.")
    own = client.get(article.get_absolute_url()).content.decode()
    assert "My pending words." in own
    assert "Awaiting moderation" in own
    other = Client().get(article.get_absolute_url()).content.decode()
    assert "My pending words." not in other


def test_approved_comments_show_name_date_and_text_but_never_the_email(
    client, article, make_comment
):
    make_comment(article, name="Visible Val", email="secret@example.com", body="Seen by all.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Visible Val" in page
    assert "Seen by all." in page
    assert "secret@example.com" not in page
    assert "<time datetime=" in page


def test_comment_text_is_escaped_with_line_breaks_and_nofollow_ugc_links(
    client, article, make_comment
):
    make_comment(
        article,
        body='<script>alert("x")</script> <b>bold</b>\nsecond line https://example.org/page',
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in page
    assert "&lt;b&gt;bold&lt;/b&gt;<br>" in page
    assert re.search(
        r'<a href="https://example.org/page" rel="nofollow ugc">https://example.org/page</a>', page
    )


def test_comments_are_oldest_first_with_replies_under_their_thread(client, article, make_comment):
    first = make_comment(article, body="First thread.")
    second = make_comment(article, body="Second thread.")
    make_comment(article, body="Reply to first.", parent=first)
    make_comment(article, body="Pending reply.", parent=first, status=Comment.Status.PENDING)
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        page.index("First thread.") < page.index("Reply to first.") < page.index("Second thread.")
    )
    assert "Pending reply." not in page
    assert second.anchor in page


def test_a_reply_to_a_reply_joins_the_top_level_thread(client, article, make_comment, post):
    top = make_comment(article)
    reply = make_comment(article, parent=top)
    assert post(article, parent=reply.pk).status_code == 302
    assert Comment.objects.latest("pk").parent == top


def test_comments_are_paginated_past_fifty(client, article, make_comment):
    for _ in range(51):
        make_comment(article)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Comment number 50." in page
    assert "Comment number 51." not in page
    second = client.get(article.get_absolute_url() + "?comments=2").content.decode()
    assert "Comment number 51." in second


def test_each_page_of_threads_shows_its_own_threads_approved_replies(
    client, article, make_comment, settings
):
    settings.COMMENTS_PER_PAGE = 2
    threads = [make_comment(article, body=f"Thread {number}.") for number in range(1, 5)]
    for thread in threads:
        make_comment(article, parent=thread, body=f"Reply to {thread.body}")
    make_comment(article, parent=threads[2], body="Second reply to Thread 3.")
    make_comment(article, parent=threads[2], body="Held reply.", status=Comment.Status.PENDING)
    url = article.get_absolute_url()

    def shown(query):
        page = client.get(url + query).content.decode()
        return re.findall(
            r"(?:Thread \d\.|Reply to Thread \d\.|Second reply[^<]*|Held reply)", page
        )

    assert shown("") == ["Thread 1.", "Reply to Thread 1.", "Thread 2.", "Reply to Thread 2."]
    assert shown("?comments=2") == [
        "Thread 3.",
        "Reply to Thread 3.",
        "Second reply to Thread 3.",
        "Thread 4.",
        "Reply to Thread 4.",
    ]


def test_first_pages_of_any_length_share_one_compiled_query(client, make_article, make_comment):
    # The paginator ends a last page at the thread count: were that the query's shape, every
    # count would be compiled on its own, and a process would keep compiling.
    before = set(PAGE_COMMENTS._compiled)
    for count in range(1, 19):
        article = make_article(sections=1)
        for _ in range(count):
            make_comment(article, body=f"Thread of {count}.")
        assert (
            client.get(article.get_absolute_url()).content.decode().count(f"Thread of {count}.")
            == count
        )
    compiled = {shape for _alias, shape in set(PAGE_COMMENTS._compiled) - before}
    assert compiled <= {(0, settings.COMMENTS_PER_PAGE)}


def test_a_refused_post_to_the_last_page_shows_the_last_page(
    client, article, make_comment, post, post_comment_url, comment_data
):
    for _ in range(51):
        make_comment(article)
    response = client.post(
        post_comment_url(article) + "?comments=last", comment_data(article, body="")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Comment number 51." in page
    assert "Comment number 50." not in page


def test_replies_from_author_accounts_carry_a_badge(
    client, article, make_comment, django_user_model, author
):
    writer = django_user_model.objects.create_user("writer")
    author.user = writer
    author.save()
    from authors.models import Author

    colleague = django_user_model.objects.create_user("colleague")
    Author.objects.create(name="Colleague", slug="colleague", user=colleague)
    top = make_comment(article)
    make_comment(article, parent=top, user=writer, body="Answer from the author.")
    make_comment(article, parent=top, user=colleague, body="Answer from a colleague.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r"comment-badge\">Article author</span>", page)
    assert re.search(r"comment-badge\">Clinician</span>", page)


def test_form_is_rendered_with_limits_notice_and_csrf(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'id="comment-form"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'maxlength="80"' in page
    assert 'maxlength="5000"' in page
    assert "up to 5,000 characters" in page
    assert "Comments are not medical advice" in page
    assert "emergency" in page
    assert "/static/js/site.js" in page
    assert "<script>" not in page
    assert " style=" not in page
    assert re.search(r"\son[a-z]+=", page) is None


def test_signed_in_users_have_name_and_email_filled_in(client, article, django_user_model):
    user = django_user_model.objects.create_user(
        "jan", email="jan@example.com", first_name="Jan", last_name="Smit"
    )
    client.force_login(user)
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'value="Jan Smit"' in page
    assert 'value="jan@example.com"' in page


def test_a_closed_article_says_so_and_refuses_posts(client, article, post):
    CommentSettings.objects.create(article=article, comments_open=False)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed on this article." in page
    assert 'id="comment-form"' not in page
    response = post(article)
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_close_automatically_after_n_days(client, make_article, post, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_article(live_from=timezone.now() - timedelta(days=31))
    fresh = make_article(live_from=timezone.now() - timedelta(days=29))
    assert "Comments are closed" in client.get(old.get_absolute_url()).content.decode()
    assert post(old).status_code == 403
    assert post(fresh).status_code == 302


def test_reply_link_prefills_the_parent(client, article, make_comment):
    top = make_comment(article, name="Asked Anna")
    page = client.get(article.get_absolute_url() + f"?reply_to={top.pk}").content.decode()
    assert f'name="parent" value="{top.pk}"' in page
    assert "Replying to" in page


def test_a_returning_approved_commenter_is_published_at_once(
    client, article, make_comment, post, confirm
):
    make_comment(article, email="known@example.com")
    confirm("known@example.com")
    response = post(article, email="Known@Example.com", body="Back again.")
    comment = Comment.objects.get(body="Back again.")
    assert comment.status == Comment.Status.APPROVED
    assert response.url.endswith(f"#{comment.anchor}")
    assert "Back again." in Client().get(article.get_absolute_url()).content.decode()


def test_an_expired_form_keeps_the_text_and_asks_to_post_again(article, post):
    response = post(article, started="garbage", body="My long and careful comment.")
    page = response.content.decode()
    assert response.status_code == 400
    assert "This form was open for more than 2 hours" in page
    assert "My long and careful comment." in page
    assert not Comment.objects.exists()


def test_the_draft_script_is_a_static_file():
    """The localStorage draft script ships as a static file (no inline script)."""
    from django.contrib.staticfiles import finders

    path = finders.find("js/site.js")
    assert path is not None
    assert "localStorage" in Path(path).read_text()
