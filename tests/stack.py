"""The production stack started the way an operator starts it: `make serve` (nginx in front of
gunicorn when nginx is installed, and a background worker), on the test database."""

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tests.mailserver import free_port

ROOT = Path(__file__).resolve().parent.parent


def database_url():
    settings_dict = connection.settings_dict
    return (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )


def wait_until_answering(url, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - local server
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@contextmanager
def make_serve(static_root, *, workers=2, nginx=True):
    """Run `make serve` until the block ends; yield (the front URL, the app's own URL)."""
    if nginx and shutil.which("nginx") is None:
        raise AssertionError("nginx is not installed (apt-get install nginx; .ci/run does)")
    port, app_port = free_port(), free_port()
    # nginx's workers run as an unprivileged user when started by root: its folder must be
    # reachable by them (pytest's own temporary folders are private).
    runtime = tempfile.mkdtemp(prefix="symptomdb-nginx-")
    os.chmod(runtime, 0o755)  # noqa: S103 - read-only for others, and holds no secret
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_CACHE_PREFIX": f"test-{port}",
        "GUNICORN_WORKERS": str(workers),
    }
    process = subprocess.Popen(
        [
            shutil.which("make"),
            "--no-print-directory",
            "serve",
            f"PORT={port}",
            f"APP_PORT={app_port}",
            f"NGINX={int(nginx)}",
            f"NGINX_RUNTIME={runtime}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    front = f"http://127.0.0.1:{port}"
    app = f"http://127.0.0.1:{app_port}" if nginx else front
    try:
        wait_until_answering(front + "/healthz")
        yield front, app
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(runtime, ignore_errors=True)
