"""Where one page's time goes, in this process: `python bench/profile_page.py PATH`.

Serves PATH (e.g. /articles/<slug>/ or "/search/?q=pain") through Django's WSGI handler with the
production settings on the bench database (`make bench` fills it), the page cache off unless
`--cached`: no server, no test client (whose template signals cost more than some pages). Prints
the wall and CPU milliseconds per request (best of 5 rounds, after a warm-up), then, with
`--layers`, cProfile's time split by layer (templates, ORM, database driver, ...), or with
`--top N`, the N functions that take the most time themselves; with `--queries`, each query's
time; with `--templates`, each template's (under cProfile). The profiler roughly doubles
every figure; compare layers with each other, not with the timings above.

Static files are served unfingerprinted (no `collectstatic` needed): one dictionary lookup per
`{% static %}` less than production.
"""

import argparse
import collections
import cProfile
import io
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LAYERS = [
    # The public templates compiled by Jinja2 (their code is named after their files), and
    # the engines themselves.
    (str(ROOT / "templates"), "templates"),
    ("jinja2/", "templates"),
    ("markupsafe", "templates"),
    ("django/template", "templates"),
    ("django/db/models/sql", "ORM: building and compiling queries"),
    ("django/db/models", "ORM: querysets and model instances"),
    ("django/db", "database backend"),
    ("psycopg", "database driver (includes waiting for PostgreSQL)"),
    ("django/forms", "forms"),
    ("crispy_forms", "forms"),
    ("django/urls", "URL resolving and reversing"),
    ("django/utils", "django.utils (escaping, lazy strings, dates)"),
    ("django/", "Django's handlers, middleware and HTTP"),
    (str(ROOT / "articles"), "the project's code"),
    (str(ROOT / "comments"), "the project's code"),
    (str(ROOT / "authors"), "the project's code"),
    (str(ROOT / "symptomdb"), "the project's code"),
]


def layer(filename):
    if filename.startswith("~"):
        return "built-in functions (getattr, isinstance, str methods, ...)"
    for marker, name in LAYERS:
        if marker in filename:
            return name
    return "other libraries"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=200, help="per round (default 200)")
    parser.add_argument("--cached", action="store_true", help="with the page cache on")
    parser.add_argument("--layers", action="store_true", help="cProfile's time by layer")
    parser.add_argument("--top", type=int, default=0, help="the N costliest functions")
    parser.add_argument(
        "--queries", action="store_true", help="each query's time, and the Python time before it"
    )
    parser.add_argument(
        "--templates", action="store_true", help="each template's own time (its includes apart)"
    )
    parser.add_argument(
        "--only",
        type=int,
        metavar="N",
        help="serve N requests after the warm-up, then stop, measuring nothing "
        "(bench/instructions.py counts their instructions)",
    )
    options = parser.parse_args()

    # WhiteNoise wants the folder to exist; the page's static URLs do not need its files.
    static_root = tempfile.TemporaryDirectory(prefix="symptomdb-profile-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "symptomdb.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_MANIFEST": "0",
            "DJANGO_STATIC_ROOT": static_root.name,
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/symptomdb_bench"
            ),
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        }
    )
    if not options.cached:
        os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    application = get_wsgi_application()
    path, _, query = options.path.partition("?")

    def get():
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        statuses = []
        body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
        if not statuses[0].startswith("200"):
            sys.exit(f"{options.path} answered {statuses[0]}")
        return body

    size = len(get())
    for _ in range(30):
        get()
    if options.only is not None:
        for _ in range(options.only):
            get()
        return
    rounds = []
    for _ in range(5):
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(options.requests):
            get()
        rounds.append(
            (
                (time.perf_counter() - started) / options.requests * 1000,
                (time.process_time() - cpu) / options.requests * 1000,
            )
        )
    wall, cpu = min(rounds)
    cache = "cache on" if options.cached else "page cache off"
    print(f"{options.path} ({cache}, {size:,} bytes): {wall:.2f} ms wall, {cpu:.2f} ms CPU")

    if options.queries:
        print_query_timeline(get, options.requests)

    if options.templates:
        print_template_times(get, options.requests)

    if options.layers or options.top:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(options.requests):
            get()
        profile.disable()
        stats = pstats.Stats(profile)
        if options.layers:
            by_layer = collections.Counter()
            for (filename, _line, _name), (*_, own, _total, _callers) in stats.stats.items():
                by_layer[layer(filename)] += own
            total = sum(by_layer.values())
            print(f"\nUnder cProfile: {total / options.requests * 1000:.1f} ms a request")
            for name, seconds in by_layer.most_common():
                share = seconds / total * 100
                print(f"{seconds / options.requests * 1000:7.2f} ms {share:5.1f}%  {name}")
        if options.top:
            print()
            stats.sort_stats("tottime").print_stats(options.top)


def print_query_timeline(get, requests):
    """For each query of a request, in order: the milliseconds of Python since the last query
    (or the request's start) and the query's own, averaged over ``requests``; then the Python
    after the last query (rendering, middleware)."""
    from django.db import connection

    gaps, durations, sqls, ends = collections.defaultdict(float), collections.Counter(), {}, []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        gaps[len(ends)] += started - ends[-1]
        try:
            return execute(sql, params, many, context)
        finally:
            ends.append(time.perf_counter())
            durations[len(ends) - 1] += ends[-1] - started
            sqls.setdefault(len(ends) - 1, sql)

    tail = 0.0
    with connection.execute_wrapper(timed):
        for _ in range(requests):
            ends[:] = [time.perf_counter()]
            get()
            tail += time.perf_counter() - ends[-1]
    print(f"\n{'Python ms':>9} {'SQL ms':>7}  query (first words), a mean over {requests} requests")
    for index in sorted(durations):
        sql = " ".join(sqls[index].split())[:90]
        python, query = gaps[index] / requests * 1000, durations[index] / requests * 1000
        print(f"{python:9.2f} {query:7.2f}  {sql}")
    print(f"{tail / requests * 1000:9.2f} {'':7}  after the last query")


def print_template_times(get, requests):
    """Each template's milliseconds a request under cProfile, its own (the code Jinja2 compiled
    from its file, the templates it includes counted apart) and with what it calls, averaged
    over ``requests``. Jinja2 names each template's compiled code after its file."""
    folder = str(ROOT / "templates") + os.sep
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        get()
    profile.disable()
    own, total = collections.Counter(), collections.Counter()
    for (filename, _line, name), (*_, tottime, cumtime, _callers) in pstats.Stats(
        profile
    ).stats.items():
        if filename.startswith(folder):
            template = filename.removeprefix(folder)
            own[template] += tottime
            if name == "root":
                total[template] = max(total[template], cumtime)
    print(f"\n{'own ms':>7} {'with':>7}  template under cProfile, a mean over {requests} requests")
    for name, seconds in own.most_common():
        print(f"{seconds / requests * 1000:7.2f} {total[name] / requests * 1000:7.2f}  {name}")
    print(f"{sum(own.values()) / requests * 1000:7.2f} {'':7}  in all")


if __name__ == "__main__":
    main()
