"""POST /authors/<slug>/rate/: the no-JS form, the JSON answer, the cap and every bad input."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from authors.models import Rating
from authors.ratings import READER_COOKIE_SALT
from tests.factories import staff_user

from .helpers import csrf_token_from, fresh, returning_reader

pytestmark = pytest.mark.django_db


def rate_url(author):
    return reverse("authors:rate", args=[author.slug])


def post(client, author, data, *, json=False, **extra):
    token = csrf_token_from(client, author.get_absolute_url())
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        rate_url(author), {"csrfmiddlewaretoken": token, **data}, headers=headers, **extra
    )


def test_no_js_form_rates_redirects_back_with_a_message_and_shows_the_rating(csrf_client, author):
    returning_reader(csrf_client)
    response = post(csrf_client, author, {"score": "4", "next": author.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == author.get_absolute_url()
    assert settings.RATING_READER_COOKIE in response.cookies
    page = csrf_client.get(response["Location"]).content.decode()
    assert "Thank you: you rated Ada Byline 4 of 5." in page
    assert "Your rating: 4 of 5." in page
    assert "counts once our checks pass" not in page
    assert '<input type="radio" name="score" value="4" checked>' in page
    assert fresh(author).star_counts[4] == 1


def test_a_first_time_readers_rating_is_kept_and_counts_once_their_token_has_aged(
    csrf_client, author
):
    response = post(csrf_client, author, {"score": "4"})
    assert response.status_code == 302
    page = csrf_client.get(author.get_absolute_url()).content.decode()
    assert "rating once our checks pass." in page  # the flash message
    assert "Your rating: 4 of 5. It counts once our checks pass." in page
    rating = Rating.objects.get()
    assert (rating.status, rating.hold) == ("held", "new-reader")
    assert fresh(author).rating_count == 0


def test_the_reader_cookie_makes_rating_again_a_change_not_a_second_vote(csrf_client, author):
    returning_reader(csrf_client)
    post(csrf_client, author, {"score": "2"})
    response = post(csrf_client, author, {"score": "5"})
    assert response.status_code == 302
    page = csrf_client.get(author.get_absolute_url()).content.decode()
    assert "Your rating of Ada Byline is now 5 of 5." in page
    rating = Rating.objects.get()
    assert rating.score == 5
    assert len(rating.reader_token) >= 16
    assert fresh(author).star_counts == {5: 1, 4: 0, 3: 0, 2: 0, 1: 0}


def test_a_reader_without_the_cookie_is_a_new_reader(client, author):
    post(client, author, {"score": "2"})
    client.cookies.pop(settings.RATING_READER_COOKIE)
    post(client, author, {"score": "3"})
    assert sorted(Rating.objects.values_list("score", flat=True)) == [2, 3]


def test_a_forged_reader_cookie_is_not_trusted(client, author):
    """Neither a copied token nor a made-up first-seen date: the site signs both."""
    post(client, author, {"score": "2"})
    token = Rating.objects.get().reader_token
    client.cookies[settings.RATING_READER_COOKIE] = f"{token}:1000000000"
    post(client, author, {"score": "3"})
    assert sorted(Rating.objects.values_list("score", flat=True)) == [2, 3]
    assert not Rating.objects.live().exists()


@pytest.mark.parametrize("issued", ["999999999999", "99999999999999999999", "\u00b2"])
def test_a_signed_reader_cookie_with_an_impossible_date_is_a_reader_without_one(
    client, author, issued
):
    """Only the site signs the cookie, but an old or broken release's value must not break
    the author page."""
    name, signed = settings.RATING_READER_COOKIE, HttpResponse()
    signed.set_signed_cookie(name, f"{'t' * 32}:{issued}", salt=READER_COOKIE_SALT)
    client.cookies[name] = signed.cookies[name].value
    assert client.get(author.get_absolute_url()).status_code == 200
    assert post(client, author, {"score": "4"}).status_code == 302


def test_the_json_and_the_page_round_an_average_alike(csrf_client, author, rate_many):
    """17 stars from 4 ratings, 4.25, reads 4.3 on the page and in the JSON the page's
    script and any other client use (Python's ``round`` would give 4.2)."""
    rate_many(author, {5: 1, 4: 2})
    returning_reader(csrf_client)
    data = post(csrf_client, author, {"score": "4"}, json=True).json()
    assert data["summary"]["count"] == 4
    assert data["summary"]["average"] == 4.3
    assert "<strong>4.3</strong> out of 5" in data["summary_html"]
    assert (
        "<strong>4.3</strong> out of 5"
        in csrf_client.get(author.get_absolute_url()).content.decode()
    )


def test_a_signed_in_user_rates_as_their_account(client, author, django_user_model):
    user = django_user_model.objects.create_user("reader")
    client.force_login(user)
    post(client, author, {"score": "3"})
    post(client, author, {"score": "1"})
    assert list(Rating.objects.values_list("user", "score")) == [(user.pk, 1)]


def test_fetch_with_accept_json_gets_json_with_the_new_summary(csrf_client, author, rate_many):
    rate_many(author, {5: 2})
    returning_reader(csrf_client)
    response = post(csrf_client, author, {"score": "2"}, json=True)
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is True
    assert data["score"] == 2
    assert data["created"] is True
    assert data["held"] is False
    assert data["summary"]["count"] == 3
    assert data["summary"]["average"] == 4.0
    assert data["summary"]["shares"][3] == {"stars": 2, "count": 1, "percent": 33}
    assert 'id="rating-summary-ada-byline"' in data["summary_html"]
    assert "<strong>4.0</strong> out of 5" in data["summary_html"]
    assert settings.RATING_READER_COOKIE in response.cookies


@pytest.mark.parametrize(
    "following", ["https://evil.example/", "//evil.example/", "foo", "#x", "/" + "😀" * 1366]
)
def test_next_that_is_not_a_path_here_redirects_to_the_author_page(client, author, following):
    response = post(client, author, {"score": "3", "next": following})
    assert response["Location"] == author.get_absolute_url()
    assert Rating.objects.count() == 1


BAD_SCORES = [
    ({"score": "0"}, "A rating is a whole number of stars from 1 to 5."),
    ({"score": "6"}, "A rating is a whole number of stars from 1 to 5."),
    ({"score": "abc"}, "A rating is a whole number of stars from 1 to 5."),
    ({"score": "4.5"}, "A rating is a whole number of stars from 1 to 5."),
    ({"score": "-1"}, "A rating is a whole number of stars from 1 to 5."),
    ({}, "Choose a rating from 1 to 5 stars."),
    ({"score": ""}, "Choose a rating from 1 to 5 stars."),
]


@pytest.mark.parametrize(("data", "message"), BAD_SCORES)
def test_a_bad_score_is_a_400_with_a_message_and_stores_nothing(
    csrf_client, author, rate_many, data, message
):
    rate_many(author, {4: 3})
    response = post(csrf_client, author, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Rating.objects.count() == 3
    assert fresh(author).rating_average == 4.0


@pytest.mark.parametrize(("data", "message"), BAD_SCORES)
def test_a_bad_score_by_fetch_is_a_400_json_error(csrf_client, author, data, message):
    response = post(csrf_client, author, data, json=True)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": message}
    assert not Rating.objects.exists()


def test_an_unknown_author_is_404(csrf_client, author):
    token = csrf_token_from(csrf_client, author.get_absolute_url())
    response = csrf_client.post(
        reverse("authors:rate", args=["nobody"]), {"csrfmiddlewaretoken": token, "score": "3"}
    )
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_get_is_405_with_a_message(client, author):
    response = client.get(rate_url(author), {"score": "5"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Rate an author with the form on their page." in response.content.decode()
    assert not Rating.objects.exists()


def test_a_missing_csrf_token_is_403_and_stores_nothing(csrf_client, author):
    response = csrf_client.post(rate_url(author), {"score": "5"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_wrong_csrf_token_is_403_and_stores_nothing(csrf_client, author):
    csrf_token_from(csrf_client, author.get_absolute_url())  # sets the CSRF cookie
    response = csrf_client.post(rate_url(author), {"score": "5", "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_over_the_address_cap_is_429_with_a_message_and_stores_nothing(client, author, settings):
    settings.RATING_MAX_PER_ADDRESS_PER_DAY = 2
    for _ in range(2):
        client.cookies.clear()
        assert post(client, author, {"score": "5"}).status_code == 302
    client.cookies.clear()
    response = post(client, author, {"score": "5"})
    assert response.status_code == 429
    assert "Too many ratings of this author from your network today" in response.content.decode()
    # The first of the day's ratings is a day old in just under 24 hours.
    assert 86_000 < int(response["Retry-After"]) <= 86_400
    assert f"Back to {author.display_name}" in response.content.decode()
    client.cookies.clear()
    response = post(client, author, {"score": "5"}, json=True)
    assert response.status_code == 429
    assert "Too many ratings" in response.json()["error"]
    assert Rating.objects.count() == 2


def test_the_address_is_stored_only_as_a_keyed_hash(client, author):
    post(client, author, {"score": "5"}, REMOTE_ADDR="203.0.113.9")
    stored = Rating.objects.get().address_hash
    assert "203.0.113.9" not in stored
    assert len(stored) == 64


def signed_in_csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_an_author_cannot_rate_their_own_profile(author, make_author, django_user_model):
    """The form is not offered to them and a direct POST is a 403 that stores nothing."""
    user = django_user_model.objects.create_user("ada-reader")
    author.user = user
    author.save()
    other = make_author()
    client = signed_in_csrf_client(user)
    own_page = client.get(author.get_absolute_url()).content.decode()
    assert "You cannot rate your own profile." in own_page
    assert 'name="score"' not in own_page
    # The same account may rate other authors, so the form is there.
    assert 'name="score"' in client.get(other.get_absolute_url()).content.decode()

    token = csrf_token_from(client, other.get_absolute_url())
    response = client.post(rate_url(author), {"csrfmiddlewaretoken": token, "score": "5"})
    assert response.status_code == 403
    assert "You cannot rate your own profile." in response.content.decode()
    json_response = client.post(
        rate_url(author),
        {"csrfmiddlewaretoken": token, "score": "5"},
        headers={"Accept": "application/json"},
    )
    assert json_response.status_code == 403
    assert json_response.json() == {"ok": False, "error": "You cannot rate your own profile."}
    assert not Rating.objects.exists()
    assert fresh(author).rating_count == 0


def test_staff_accounts_do_not_rate_authors(author, make_author):
    """Editors, moderators and authors sign in to the admin: their ratings are not readers'."""
    editor = signed_in_csrf_client(staff_user("edna", "Editors"))
    page = editor.get(author.get_absolute_url()).content.decode()
    assert "Staff accounts do not rate authors" in page
    assert 'name="score"' not in page
    token = csrf_token_from(editor, reverse("admin:index"))
    response = editor.post(rate_url(author), {"csrfmiddlewaretoken": token, "score": "1"})
    assert response.status_code == 403
    assert "Staff accounts do not rate authors" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_score_given_twice_is_a_400_and_stores_nothing(client, author):
    token = csrf_token_from(client, author.get_absolute_url())
    response = client.post(
        rate_url(author),
        "score=1&score=5&csrfmiddlewaretoken=" + token,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "Given more than once; send it once." in response.content.decode()
    assert not Rating.objects.exists()


@given(
    score=st.sampled_from(["1", "2", "3", "4", "5"]) | st.text(max_size=40),
    following=st.text(max_size=200),
)
def test_any_text_as_a_score_or_a_return_address_is_answered_and_stored_only_if_valid(
    author, score, following
):
    client = Client()
    response = client.post(rate_url(author), {"score": score, "next": following})
    valid = score.strip() in {"1", "2", "3", "4", "5"}
    assert response.status_code == (302 if valid else 400), (score, following)
    if valid:
        location = response["Location"]
        assert location in {following, author.get_absolute_url()}
        assert location.startswith("/")
        assert not location.startswith("//")
    assert Rating.objects.filter(score=score.strip() if valid else 0).exists() == valid
    Rating.objects.all().delete()


@given(body=st.binary(max_size=300))
def test_any_bytes_as_the_form_body_are_answered(author, body):
    response = Client(raise_request_exception=False).post(
        rate_url(author), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in {302, 400}
