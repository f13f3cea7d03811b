"""Fresh interpreters with a chosen environment: settings as a production process reads them,
management commands, pages fetched by a process whose database or cache is down."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Nothing listens on port 1: connections are refused at once.
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"
CLOSED_DATABASE_URL = "postgres://postgres@127.0.0.1:1/unreachable"

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "1",
    "DJANGO_ALLOWED_HOSTS": "symptomdb.example",
    "DJANGO_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter with only these variables (and a secret key) set."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "symptomdb.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        # Like the rest of the suite, run without collected static files (no manifest).
        "DJANGO_STATIC_MANIFEST": "0",
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args, **env):
    return run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        **env,
    )


def fetch_in_subprocess(paths, **env):
    """GET each path with the test client in a fresh process; {path: [status, body, headers]}."""
    code = (
        "import json, django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False)\n"
        "out = {}\n"
        f"for path in {list(paths)!r}:\n"
        "    response = client.get(path)\n"
        "    body = response.content.decode()\n"
        "    out[path] = [response.status_code, body, dict(response.headers)]\n"
        "print(json.dumps(out))\n"
    )
    result = run_python(code, DJANGO_ALLOWED_HOSTS="testserver", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr
