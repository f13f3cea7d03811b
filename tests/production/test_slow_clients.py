"""Slow clients cannot starve the served site: nginx (deploy/nginx.conf, run by `make serve`)
reads request bodies whole before a gunicorn worker sees them."""

import socket
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tests.stack import make_serve

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the served stack needs a database server (the PostgreSQL pass runs this)",
    ),
]

SLOW_CLIENTS = 8  # four times the stack's two workers


class SlowBodies:
    """Clients that announce a form post and then send its body a byte every half second."""

    def __init__(self, base, path):
        self.address = urlsplit(base).hostname, urlsplit(base).port
        self.path = path
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.send, daemon=True) for _ in range(SLOW_CLIENTS)
        ]

    def send(self):
        with socket.create_connection(self.address, timeout=30) as sock:
            sock.sendall(
                f"POST {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 10000\r\n\r\n".encode()
            )
            while not self.stop.wait(0.5):
                try:
                    sock.sendall(b"a")
                except OSError:
                    return

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(1.5)  # every slow client is connected and trickling
        return self

    def __exit__(self, *exc):
        self.stop.set()


def read_within(url, seconds):
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=seconds) as response:  # noqa: S310 - local server
        body = response.read().decode()
    return response.status, body, time.monotonic() - started


def test_a_reader_gets_the_article_within_a_second_while_slow_bodies_arrive(make_article, tmp_path):
    article = make_article(title="Does a slow client block readers?")
    path = article.get_absolute_url()
    with make_serve(tmp_path / "static", workers=2) as (front, app):
        with SlowBodies(front, path):
            status, body, took = read_within(front + path, seconds=1)
            assert status == 200
            assert "Does a slow client block readers?" in body
            assert took < 1
        # The same clients sent straight to gunicorn's port hold both workers: the reader
        # waits, which is why the app listens only on 127.0.0.1 behind nginx.
        with SlowBodies(app, path), pytest.raises(TimeoutError):
            read_within(app + path, seconds=1)
