"""Load and faults: no acknowledged comment or rating is lost or stored twice, and nothing but a
documented 503 answers 5xx, while PostgreSQL restarts and Redis stops under concurrent posts.

    .venv/bin/python bench/load_and_fault.py [--seconds 90] [--clients 20]

1. Creates a fresh PostgreSQL database (FAULT_DATABASE_URL, default symptomdb_fault on
   127.0.0.1), loads the demo articles, and starts a private Redis on port 6390.
2. Starts the production stack with `make serve` (nginx in front when installed, gunicorn with
   4 sync workers, a background worker).
3. A second process drives `--clients` concurrent readers, each from its own loopback address
   (127.x.y.z): they read an article and post a comment with a unique marker, or read an author
   page and rate the author as a new reader. A post that gets a 5xx or no answer is sent again
   (twice at most), as a browser's user would.
4. Meanwhile this process stops PostgreSQL (at 30% of the run, `pg_ctlcluster ... stop -m fast`:
   every database connection breaks) and starts it 5 s later, stops Redis (at 50%) and starts it
   again (at 75%).
5. Reconciles the database with the driver's log: every acknowledged comment (a redirect to the
   article) is stored exactly once, every acknowledged rating (a JSON "ok") has its row; prints
   the figures as a Markdown table (and saves them in bench/results/load_and_fault.md).

It stops the machine's PostgreSQL for 5 s: run it when nothing else uses it. Not part of
`make test`.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "FAULT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/symptomdb_fault"
)
REDIS_PORT = int(os.environ.get("FAULT_REDIS_PORT", "6390"))
PORT, APP_PORT = 8300, 8301
MARKER = "Load marker"
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


# The driver (a second process): readers posting comments and ratings.


class Reader:
    """One reader: their own loopback address and cookie jar, talking HTTP/1.1 to the site."""

    def __init__(self, address):
        self.address = address
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, timeout=15):
        connection = http.client.HTTPConnection(
            "127.0.0.1", PORT, timeout=timeout, source_address=(self.address, 0)
        )
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.coded_value
        return response.status, response.headers, content, time.monotonic() - started


def post_with_retries(reader, path, fields, log, kind, accept="text/html"):
    """POST ``fields``; send again after a 5xx or a dropped connection. The last answer."""
    body = urlencode(fields)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": accept,
        "X-CSRFToken": reader.cookies.get("csrftoken", ""),
    }
    for attempt in range(3):
        try:
            status, response_headers, content, took = reader.request("POST", path, body, headers)
        except OSError as error:
            log({"kind": kind, "event": "no-answer", "error": type(error).__name__})
            time.sleep(1 + attempt)
            continue
        log({"kind": kind, "event": "answer", "status": status, "ms": round(took * 1000, 1)})
        if status < 500:
            return status, response_headers, content
        time.sleep(1 + attempt)
    return None, None, None


def comment_once(reader, article_path, log):
    status, _, page, took = reader.request("GET", article_path)
    log({"kind": "read", "event": "answer", "status": status, "ms": round(took * 1000, 1)})
    if status != 200:
        return
    form = page[page.find('id="comment-form"') :]
    fields = dict(HIDDEN_INPUT.findall(form[: form.find("</form>")]))
    marker = f"{MARKER} {uuid.uuid4().hex}"
    fields.update(
        name="Load Reader",
        email=f"load-{uuid.uuid4().hex[:12]}@example.org",
        body=f"A question about this article. {marker}",
        website="",
    )
    time.sleep(3.2)  # a person takes a moment to write (COMMENTS_MIN_SECONDS_TO_POST)
    status, headers, _ = post_with_retries(reader, article_path, fields, log, "comment")
    acknowledged = status in (302, 303) and (headers or {}).get("Location", "").startswith(
        article_path
    )
    log({"kind": "comment", "event": "result", "marker": marker, "acknowledged": acknowledged})


def rate_once(reader, author_path, log):
    status, _, _, took = reader.request("GET", author_path)
    log({"kind": "read", "event": "answer", "status": status, "ms": round(took * 1000, 1)})
    if status != 200:
        return
    fields = {"csrfmiddlewaretoken": reader.cookies.get("csrftoken", ""), "score": "4"}
    status, _, content = post_with_retries(
        reader, author_path + "rate/", fields, log, "rating", accept="application/json"
    )
    acknowledged = status == 200 and json.loads(content).get("ok") is True
    token = ""
    for name, value in reader.cookies.items():
        if name.endswith("sdb_reader"):
            token = value.strip('"').split(":")[0]
    log({"kind": "rating", "event": "result", "token": token, "acknowledged": acknowledged})


def drive(args):
    """Run ``args.clients`` readers until ``args.seconds`` have passed; log JSON lines."""
    targets = json.loads(Path(args.targets).read_text())
    deadline = time.monotonic() + args.seconds
    lock = threading.Lock()
    out = open(args.log, "w")  # noqa: SIM115 - closed below, after every thread

    def log(entry):
        with lock:
            out.write(json.dumps({"t": round(time.time(), 3), **entry}) + "\n")
            out.flush()

    def client(number):
        serial = 0
        while time.monotonic() < deadline:
            serial += 1
            # A new reader each time, from a new address: the site's per-address and
            # per-reader limits are for abuse, not for this load.
            reader = Reader(f"127.{10 + number}.{serial // 250 % 250 + 1}.{serial % 250 + 1}")
            try:
                if serial % 2:
                    comment_once(reader, secrets.choice(targets["articles"]), log)
                else:
                    rate_once(reader, secrets.choice(targets["authors"]), log)
            except OSError as error:
                log({"kind": "read", "event": "no-answer", "error": type(error).__name__})
                time.sleep(1)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.close()


# The conductor: database, stack, faults, reconciliation.


def run(*command, **kwargs):
    return subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def fresh_database(env):
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    for command in ("migrate", "load_demo_content", "create_demo_accounts", "load_demo_reviews"):
        run(PYTHON, "manage.py", command, "-v", "0", env=env, stdout=subprocess.DEVNULL)


def targets_from_site():
    """The live articles (from the sitemap, as a crawler finds them) and the authors."""
    import psycopg

    _, _, sitemap, _ = Reader("127.0.0.1").request("GET", "/sitemap.xml")
    articles = sorted(set(re.findall(r"<loc>https?://[^/]+(/articles/[^<]+/)</loc>", sitemap)))
    with psycopg.connect(DATABASE_URL) as connection:
        authors = connection.execute("SELECT slug FROM authors_author").fetchall()
    return {"articles": articles, "authors": [f"/authors/{slug}/" for (slug,) in authors]}


def postgres_cluster():
    version = sorted(os.listdir("/etc/postgresql"))[0]
    return version, "main"


def reconcile(entries):
    import psycopg

    comments = [e for e in entries if e["kind"] == "comment" and e["event"] == "result"]
    ratings = [e for e in entries if e["kind"] == "rating" and e["event"] == "result"]
    with psycopg.connect(DATABASE_URL) as connection:
        stored = Counter(
            re.search(rf"{MARKER} [0-9a-f]+", body).group(0)
            for (body,) in connection.execute(
                "SELECT body FROM comments_comment WHERE body LIKE %s", [f"%{MARKER}%"]
            )
        )
        tokens = Counter(
            token
            for (token,) in connection.execute(
                "SELECT reader_token FROM authors_rating WHERE reader_token <> ''"
            )
        )
    acknowledged_comments = [e["marker"] for e in comments if e["acknowledged"]]
    acknowledged_ratings = [e["token"] for e in ratings if e["acknowledged"]]
    answers = [e for e in entries if e["event"] == "answer"]
    statuses = Counter(e["status"] for e in answers)
    latencies = sorted(e["ms"] for e in answers)
    return {
        "comments posted": len(comments),
        "comments acknowledged": len(acknowledged_comments),
        "acknowledged comments lost": sum(1 for m in acknowledged_comments if not stored[m]),
        "comments stored twice": sum(1 for count in stored.values() if count > 1),
        "comments stored without acknowledgement": sum(
            1 for m in stored if m not in set(acknowledged_comments)
        ),
        "ratings posted": len(ratings),
        "ratings acknowledged": len(acknowledged_ratings),
        "acknowledged ratings lost": sum(1 for t in acknowledged_ratings if not tokens[t]),
        "ratings stored twice": sum(1 for t in acknowledged_ratings if tokens[t] > 1),
        "requests answered": len(answers),
        "answers by status": dict(sorted(statuses.items())),
        "5xx other than 503": sum(n for s, n in statuses.items() if s >= 500 and s != 503),
        "503 (database down)": statuses.get(503, 0),
        "requests without an answer": sum(1 for e in entries if e["event"] == "no-answer"),
        "p50 ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99 ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
    }


def conduct(args):
    if shutil.which("nginx") is None:
        print("nginx is not installed: the stack runs gunicorn alone (apt-get install nginx)")
    workdir = Path(tempfile.mkdtemp(prefix="symptomdb-fault-"))
    os.chmod(workdir, 0o755)  # noqa: S103 - nginx's unprivileged workers use it
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.urandom(32).hex() * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "GUNICORN_WORKERS": "4",
    }
    redis = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    print("Filling a fresh database", flush=True)
    fresh_database(env)
    stack = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "serve",
            f"PORT={PORT}",
            f"APP_PORT={APP_PORT}",
            f"NGINX_RUNTIME={workdir / 'nginx'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(workdir / "stack.log", "w"),  # noqa: SIM115 - the stack's lifetime
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_path = workdir / "driver.jsonl"
    timeline = []
    try:
        for _ in range(120):
            try:
                Reader("127.0.0.1").request("GET", "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        targets = workdir / "targets.json"
        targets.write_text(json.dumps(targets_from_site()))
        print(f"Driving {args.clients} readers for {args.seconds} s", flush=True)
        driver = subprocess.Popen(
            [
                PYTHON,
                __file__,
                "drive",
                "--seconds",
                str(args.seconds),
                "--clients",
                str(args.clients),
                "--targets",
                str(targets),
                "--log",
                str(log_path),
            ],
        )
        started = time.monotonic()
        cluster = postgres_cluster()
        outage = 5  # seconds without PostgreSQL
        faults = [
            (
                0.30 * args.seconds,
                "PostgreSQL stopped",
                ["pg_ctlcluster", *cluster, "stop", "-m", "fast"],
            ),
            (
                0.30 * args.seconds + outage,
                "PostgreSQL started",
                ["pg_ctlcluster", *cluster, "start"],
            ),
            (
                0.50 * args.seconds,
                "Redis stopped",
                ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"],
            ),
            (0.75 * args.seconds, "Redis started", None),
        ]
        for at, label, command in faults:
            time.sleep(max(0, started + at - time.monotonic()))
            if command is None:
                redis = subprocess.Popen(
                    [
                        "redis-server",
                        "--port",
                        str(REDIS_PORT),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                    ],
                    stdout=subprocess.DEVNULL,
                )
            else:
                subprocess.run(command, check=True, capture_output=True)
            timeline.append(f"{label} at {time.monotonic() - started:.0f} s")
            print(timeline[-1], flush=True)
        driver.wait()
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        stack.wait(timeout=60)
        redis.terminate()
    entries = [json.loads(line) for line in log_path.read_text().splitlines()]
    figures = reconcile(entries)
    report(args, figures, timeline)
    shutil.rmtree(workdir, ignore_errors=True)
    failed = (
        figures["acknowledged comments lost"]
        or figures["comments stored twice"]
        or figures["acknowledged ratings lost"]
        or figures["ratings stored twice"]
        or figures["5xx other than 503"]
    )
    sys.exit(1 if failed else 0)


def report(args, figures, timeline):
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {os.uname().nodename} "
        f"({os.cpu_count()} cores): `make serve` (nginx, gunicorn with 4 sync workers, a "
        f"background worker) on PostgreSQL and Redis; {args.clients} concurrent readers for "
        f"{args.seconds} s from as many loopback addresses; {'; '.join(timeline)}.",
        "",
        "| measure | value |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in figures.items()),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "bench" / "results" / "load_and_fault.md").write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", default="conduct", choices=["conduct", "drive"])
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--targets")
    parser.add_argument("--log")
    args = parser.parse_args()
    drive(args) if args.mode == "drive" else conduct(args)


if __name__ == "__main__":
    main()
