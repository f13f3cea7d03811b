"""Bad input gets a clear form error or a 4xx, never a 500, and stores nothing."""

import re
from urllib.parse import urlencode, urljoin

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": ""}, "This field is required."),
        ({"body": " \n\t  "}, "This field is required."),
        ({"name": ""}, "This field is required."),
        ({"name": "N" * 81}, "at most 80 characters"),
        ({"body": "x" * 5001}, "at most 5000 characters"),
        ({"body": "x" * 1_000_000}, "at most 5000 characters"),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"name": "Null\x00Byte"}, "Null characters are not allowed."),
        ({"body": "Null\x00byte"}, "Null characters are not allowed."),
        ({"name": "evil\u202egnp.exe"}, "invisible or text-direction characters"),
        ({"name": "zero\u200bwidth"}, "invisible or text-direction characters"),
        ({"body": "flip \u202ethis"}, "text-direction control characters"),
        ({"parent": "abc"}, "Enter a whole number."),
        ({"name": "\u3164"}, "invisible or text-direction characters"),
        ({"name": "\u2800\u2800"}, "invisible or text-direction characters"),
        ({"name": "Ann\u115f\u1160"}, "invisible or text-direction characters"),
        ({"body": "\u200b\u200b\u200b"}, "no visible text"),
        ({"body": "\ufeff"}, "no visible text"),
        ({"body": "\U000e0041\U000e0042"}, "no visible text"),
        ({"body": "\u3164 \u2800"}, "no visible text"),
        ({"body": "\u034f\ufe0f\u0301"}, "no visible text"),
    ],
)
def test_bad_fields_get_a_form_error_and_store_nothing(article, post, fields, message):
    response = post(article, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_the_readers_text_is_kept_in_the_form_after_an_error(article, post):
    response = post(article, email="broken", body="Words I do not want to lose.")
    page = response.content.decode()
    assert "Words I do not want to lose.</textarea>" in page
    assert 'value="Rita Reader"' in page
    assert "is-invalid" in page


def test_a_reply_to_another_articles_comment_is_refused(article, make_article, make_comment, post):
    elsewhere = make_comment(make_article())
    response = post(article, parent=elsewhere.pk)
    assert response.status_code == 400
    assert "not a published comment on this article" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED, "spam"])
def test_a_reply_to_a_comment_that_is_not_approved_is_refused(article, make_comment, post, status):
    hidden = make_comment(article, status=status)
    response = post(article, parent=hidden.pk)
    assert response.status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("parent", ["999999", "9" * 30, "-1", "0"])
def test_a_reply_to_a_missing_comment_is_refused(article, post, parent):
    assert post(article, parent=parent).status_code == 400
    assert not Comment.objects.exists()


def test_an_unknown_reply_target_in_the_link_shows_a_plain_form(client, article):
    response = client.get(article.get_absolute_url(), {"reply_to": "999999"})
    assert response.status_code == 200
    assert "Replying to" not in response.content.decode()


def test_a_reply_target_that_is_not_a_number_is_a_400_that_says_so(client, article):
    for value in ("9" * 30, "abc", "-1"):
        response = client.get(article.get_absolute_url(), {"reply_to": value})
        assert response.status_code == 400
        assert "reply_to:" in response.content.decode()


def test_an_unknown_or_draft_article_is_404(client, make_article, comment_data):
    draft = make_article(published=False)
    assert client.post("/articles/no-such-article/", comment_data(draft)).status_code == 404
    response = client.post(draft.get_absolute_url(), comment_data(draft))
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_a_missing_csrf_token_is_refused(article, post):
    response = post(article, using=Client(enforce_csrf_checks=True))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_valid_csrf_token_is_accepted(article, comment_data, post_comment_url):
    browser = Client(enforce_csrf_checks=True)
    browser.get(article.get_absolute_url())
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        post_comment_url(article), {**comment_data(article), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_the_former_post_address_is_post_only_and_sends_posts_to_the_article(client, article):
    former = reverse("comments:post", kwargs={"slug": article.slug})
    assert client.get(former).status_code == 405
    response = client.post(former, {"name": "x"})
    assert response.status_code == 307  # the browser posts the same form again, there
    assert response["Location"] == article.get_absolute_url()


def test_an_altered_form_timestamp_asks_to_post_again(article, post, form_token):
    response = post(article, started=form_token(article)[:-2] + "xx")
    assert response.status_code == 400
    assert "This form was open for more than 2 hours (or came from another page)" in (
        response.content.decode()
    )
    assert not Comment.objects.exists()


def test_links_on_a_page_with_errors_lead_back_to_the_article(article, make_comment, post):
    top = make_comment(article)
    response = post(article, email="broken")
    page = response.content.decode()
    reply = re.search(r'class="comment-reply-link" href="([^"]+)"', page).group(1)
    # The page with errors answers at the article's address, where relative links resolve.
    assert response.request["PATH_INFO"] == article.get_absolute_url()
    assert urljoin(response.request["PATH_INFO"], reply) == (
        f"{article.get_absolute_url()}?reply_to={top.pk}#comment-form"
    )


def test_a_reply_to_another_articles_comment_cannot_be_saved_by_an_editor_either(
    article, make_article, make_comment
):
    from django.core.exceptions import ValidationError

    elsewhere = make_comment(make_article())
    reply = Comment(article=article, parent=elsewhere, name="N", email="n@example.com", body="B")
    with pytest.raises(ValidationError, match="same article"):
        reply.full_clean()


def test_a_page_with_errors_is_the_whole_article_page(
    client, article, make_article, post, run_tasks
):
    """Refusing a comment does not strip the page: structured data, breadcrumbs, description,
    related articles and the rating form stay, and they point at the article, not the post URL."""
    make_article()  # a related article in the same category
    run_tasks()  # related lists are computed in the background
    page = post(article, email="broken").content.decode()
    url = article.get_absolute_url()
    assert f'<link rel="canonical" href="http://testserver{url}">' in page
    assert f'<meta name="description" content="{article.intro}">' in page
    assert '"@type":"MedicalWebPage"' in page
    assert 'aria-label="Breadcrumb"' in page
    assert 'id="related-heading"' in page
    assert f'<input type="hidden" name="next" value="{url}">' in page
    assert "/comments/" not in page.split("<body", 1)[0]


@pytest.mark.parametrize("broken", [b"%FF", b"%E2%82", b"\xff", b"caf%C3%A9%C3"])
def test_a_comment_form_that_is_not_valid_text_is_refused_whole(
    article, comment_data, post_comment_url, broken
):
    client = Client(enforce_csrf_checks=True)
    page = client.get(article.get_absolute_url())
    fields = {**comment_data(article), "csrfmiddlewaretoken": page.context["csrf_token"]}
    body = urlencode(fields).encode() + b"&body=Hello+" + broken

    response = client.post(
        post_comment_url(article), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "The form was not sent as valid text" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_multipart_comment_form_that_is_not_valid_text_is_refused_whole(
    article, comment_data, post_comment_url
):
    client = Client(enforce_csrf_checks=True)
    page = client.get(article.get_absolute_url())
    fields = {**comment_data(article), "csrfmiddlewaretoken": page.context["csrf_token"]}
    boundary = "XyZbOuNdArY"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + (value.encode() if name != "body" else b"invalid utf8 here: \xc3\x28 \xff end")
        + b"\r\n"
        for name, value in fields.items()
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()

    response = client.post(
        post_comment_url(article), body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 400
    assert "The form was not sent as valid text" in response.content.decode()
    assert not Comment.objects.exists()
