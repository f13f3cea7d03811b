"""The comment form helps: it remembers name and email when asked (never showing them to
anyone else), sums up errors at its top with links to the fields, keeps the reader's text,
shows the thank-you next to the comments, and dates comments with their time zone. Any text
thrown at it gets an answer, never a 500."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_remember_me_fills_the_form_for_this_browser_only(client, article, post):
    response = post(article, name="Rita Reader", email="rita@example.com", remember="on")
    assert settings.COMMENTER_COOKIE in response.cookies
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'value="Rita Reader"' in page
    assert 'value="rita@example.com"' in page
    assert re.search(r'name="remember"[^>]*checked', page)
    stranger = Client().get(article.get_absolute_url()).content.decode()
    assert "rita@example.com" not in stranger
    assert 'value="Rita Reader"' not in stranger


def test_each_reader_gets_a_form_with_their_own_values_whatever_came_before(client, article, post):
    """The blank form's fields are rendered once per process: a remembered reader, a form
    with errors, and then a stranger each still get their own."""
    url = article.get_absolute_url()
    blank = Client().get(url).content.decode()
    assert re.search(r'<input type="text" name="name"[^>]*required', blank)
    post(article, name="Rita Reader", email="rita@example.com", remember="on")
    assert 'value="Rita Reader"' in client.get(url).content.decode()
    refused = post(article, email="not-an-email", body="Keep these words.", using=Client())
    assert re.search(r'name="email" value="not-an-email"[^>]*is-invalid', refused.content.decode())
    stranger = Client().get(url, {"comments": "1"}).content.decode()
    assert "Rita Reader" not in stranger
    assert "not-an-email" not in stranger
    assert "is-invalid" not in stranger
    assert stranger.count('name="name"') == 1


def test_forget_me_clears_the_remembered_name_and_email(client, article, post):
    post(article, name="Rita Reader", email="rita@example.com", remember="on")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "This browser remembers your name and email" in page
    response = client.post(reverse("comments:forget"), {"next": article.get_absolute_url()})
    assert response.status_code == 302
    assert response.cookies[settings.COMMENTER_COOKIE].value == ""
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'value="rita@example.com"' not in page


@pytest.mark.parametrize("following", ["foo", "https://evil.example/", "%ZZ"])
def test_forget_me_with_an_odd_return_address_goes_home(client, following):
    response = client.post(reverse("comments:forget"), {"next": following})
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:home")


def test_without_remember_me_nothing_is_kept(client, article, post):
    response = post(article, name="Rita Reader", email="rita@example.com")
    assert settings.COMMENTER_COOKIE not in response.cookies
    assert 'value="rita@example.com"' not in client.get(article.get_absolute_url()).content.decode()


def test_errors_are_summed_up_first_with_links_to_the_fields_and_the_text_kept(article, post):
    response = post(article, email="not-an-email", body="Keep these words.")
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('id="comment-form-errors"') :]
    assert summary.index("Your comment was not posted yet") < summary.index('name="name"')
    assert '<a href="#id_email">Email: Enter a valid email address.</a>' in summary
    assert "Keep these words." in page
    # The page answers at the article's own address: no other address to reload.
    assert response.request["PATH_INFO"] == article.get_absolute_url()


def test_a_successful_post_redirects_so_a_reload_never_posts_again(client, article, post):
    response = post(article, body="Posted once.")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert Comment.objects.filter(body="Posted once.").count() == 1


def test_the_thank_you_is_shown_in_the_comment_block_once(client, article, post):
    response = post(article, body="Thanks shown here.")
    page = client.get(response["Location"]).content.decode()
    block = page[page.index('id="comments"') :]
    assert "your comment is awaiting moderation" in block
    assert "your comment is awaiting moderation" not in page[: page.index('id="comments"')]
    assert "awaiting moderation</div>" not in client.get(response["Location"]).content.decode()


def test_the_counter_sits_right_under_the_comment_box(client, article):
    """The script that counts also adds it to the box's description (tested in a browser)."""
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index('name="body"') < page.index('id="comment-body-status"')
    assert page.index('id="comment-body-status"') < page.index('name="notify"')


def test_comment_times_say_their_time_zone(client, article, make_comment):
    make_comment(article, body="Timed.")
    page = client.get(article.get_absolute_url()).content.decode()
    stamp = r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}">[^<]+ UTC</time>'
    assert re.search(stamp, page)


@given(
    name=st.text(max_size=100),
    email=st.text(max_size=60) | st.emails(),
    body=st.text(max_size=300),
    extra=st.text(max_size=30),
)
def test_any_text_in_any_field_is_answered_and_never_stored_unescaped(
    article, comment_data, name, email, body, extra
):
    client = Client(raise_request_exception=False)
    data = comment_data(article, name=name, email=email, body=body, website="", parent=extra)
    response = client.post(article.get_absolute_url(), data)
    assert response.status_code in {302, 400, 429}, response.status_code
    if response.status_code == 400 and "<" in body:
        assert body not in response.content.decode()
    for comment in Comment.objects.all():
        assert "<" not in comment.body_html.replace("<p>", "").replace("</p>", "").replace(
            "<br>", ""
        ).replace('<a href="', "").replace("</a>", "").replace('" rel="nofollow ugc">', "")
    Comment.objects.all().delete()
