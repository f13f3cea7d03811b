"""Readers' CSRF tokens: each first visit gets a secret of its own, drawn evenly from Django's
alphabet; the page's token carries it masked, and Django's CSRF middleware accepts the pair and
refuses any other."""

import collections
import re
import string

import pytest
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client, RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from symptomdb.csrf import get_token, masked

pytestmark = pytest.mark.django_db

ALPHABET = string.ascii_letters + string.digits
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
secrets_ = st.text(alphabet=ALPHABET, min_size=32, max_size=32)


def accepted(cookie_secret, posted_token):
    """Whether Django's CSRF middleware lets a POST with this cookie and token through."""
    request = RequestFactory().post("/", {"csrfmiddlewaretoken": posted_token})
    request.COOKIES["csrftoken"] = cookie_secret
    middleware = CsrfViewMiddleware(lambda request: HttpResponse())
    middleware.process_request(request)
    return middleware.process_view(request, lambda request: None, (), {}) is None


@settings(max_examples=200, deadline=None)
@given(secret=secrets_, other=secrets_)
def test_a_masked_secret_passes_django_check_with_its_cookie_only(secret, other):
    token = masked(secret)
    assert len(token) == 64
    assert set(token) <= set(ALPHABET)
    assert accepted(secret, token)
    assert accepted(other, token) == (other == secret)


def test_a_new_visitor_gets_a_cookie_whose_secret_the_pages_token_carries(make_article):
    url = make_article().get_absolute_url()
    for _ in range(2):  # the shared page is rendered, then answered from the cache
        reader = Client(enforce_csrf_checks=True)
        response = reader.get(url)
        secret = response.cookies["csrftoken"].value
        token = TOKEN.search(response.text).group(1)
        assert len(secret) == 32
        assert set(secret) <= set(ALPHABET)
        assert accepted(secret, token)
        # A reader keeps their cookie; each page masks it anew.
        again = reader.get(url)
        assert again.cookies["csrftoken"].value == secret  # renewed, not replaced
        assert TOKEN.search(again.text).group(1) != token
        assert accepted(secret, TOKEN.search(again.text).group(1))


def test_secrets_are_new_for_each_visitor_and_even_over_the_alphabet():
    counts, seen = collections.Counter(), set()
    for _ in range(2000):
        request = RequestFactory().get("/")
        get_token(request)
        secret = request.META["CSRF_COOKIE"]
        seen.add(secret)
        counts.update(secret)
    assert len(seen) == 2000
    # 64,000 characters: about 1,032 of each of the 62, give or take 32. A bias as small as
    # mapping all 256 byte values onto the 62 characters puts 8 of them near 1,250.
    assert set(counts) == set(ALPHABET)
    assert all(830 < count < 1235 for count in counts.values()), counts
