"""nginx in front of the app (deploy/nginx.conf, run by `make serve`): pages leave compressed,
a repeat visit gets 304, and nginx's own cache never keeps the 304 one browser asked for, nor
hands one spelling of the host's page to readers of another."""

import gzip
import http.client
from urllib.parse import urlsplit

import pytest

from tests.markers import needs_postgres
from tests.stack import make_serve

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_postgres("the served stack needs a database server"),
]


def get(base, path, **headers):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_pages_leave_compressed_and_repeat_visits_get_304_without_nginx_caching_one(
    make_article, tmp_path
):
    article = make_article(title="Is a remembered page ever served empty?")
    listing, page = "/articles/", article.get_absolute_url()
    with make_serve(tmp_path / "static", workers=2) as (front, app):
        # A browser that holds the list asks first, before nginx keeps any copy of it.
        _, headers, _ = get(app, listing)
        status, _, body = get(front, listing, **{"If-None-Match": headers["ETag"]})
        assert (status, body) == (304, b"")
        # Every other reader still gets the whole list, from the app or nginx's cache.
        for _ in range(2):
            status, _, body = get(front, listing)
            assert status == 200
            assert "Is a remembered page ever served empty?" in body.decode()

        status, headers, body = get(front, page, **{"Accept-Encoding": "gzip"})
        assert (status, headers["Content-Encoding"]) == (200, "gzip")
        assert "Is a remembered page ever served empty?" in gzip.decompress(body).decode()
        # nginx marks the tag of what it compressed weak; the browser sends it back so.
        assert headers["ETag"].startswith('W/"')
        # The browser sends back the CSRF cookie its page's forms were made for.
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        status, _, body = get(
            front,
            page,
            **{"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"], "Cookie": cookie},
        )
        assert (status, body) == (304, b"")
        status, _, body = get(front, page)
        assert status == 200
        assert "Is a remembered page ever served empty?" in body.decode()


def test_a_page_asked_for_by_another_spelling_of_the_host_never_reaches_other_readers(
    make_article, tmp_path
):
    """The app builds absolute URLs from the Host header, which may carry any port: nginx
    keeps what it answered such a request apart from what it answers the site's address."""
    make_article(title="Which address does this list name?")
    with make_serve(tmp_path / "static", workers=2) as (front, _):
        status, headers, body = get(front, "/articles/", Host="127.0.0.1:6666")
        assert status == 200
        assert "public" in headers["Cache-Control"]
        assert "http://127.0.0.1:6666/" in body.decode()
        for _ in range(2):  # the first may come from the app, the second from nginx's cache
            status, _, body = get(front, "/articles/")
            assert status == 200
            assert "Which address does this list name?" in body.decode()
            assert ":6666" not in body.decode()
