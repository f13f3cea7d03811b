"""`make lighthouse`: Lighthouse scores of the pages readers land on, under `make serve`.

1. Installs the npm `lighthouse` package, pinned (LIGHTHOUSE_VERSION), into .venv/lighthouse
   when it is missing or another version.
2. Starts `make serve` (nginx in front of gunicorn when nginx is installed, DEBUG off, collected
   static files) on a free port with a database of its own: a SQLite file in a temporary folder
   (or LIGHTHOUSE_DATABASE_URL, e.g. a PostgreSQL database of its own), filled like `make demo`,
   and Redis for the page cache (LIGHTHOUSE_REDIS_URL, else a local Redis when one answers).
3. Runs Lighthouse with Debian's Chromium (CHROME_PATH, default /usr/bin/chromium; headless,
   default mobile emulation and throttling) on the home page, the seed article, its author's
   page, the A-Z index and a search, LIGHTHOUSE_RUNS (3) times in rounds, and prints the median of
   each category's score, with the failing audits of any page scoring below 100.
   LIGHTHOUSE_REPORTS names a folder to keep every run's full JSON report in;
   LIGHTHOUSE_CPU_SLOWDOWN replaces the default 4x CPU slowdown (for a slow host).

Exits 1 when a median score is below 100. The table is saved in bench/results/lighthouse.md.
Not part of `make test`: the performance score depends on the machine and varies between runs.
"""

import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIGHTHOUSE_VERSION = "13.5.0"
LIGHTHOUSE_PREFIX = ROOT / ".venv" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_PREFIX / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
# Lighthouse's default mobile throttling slows the CPU 4x, calibrated for a fast desktop host;
# its throttling guide says to lower it on a slower host. Unset: the default, as in the README.
CPU_SLOWDOWN = os.environ.get("LIGHTHOUSE_CPU_SLOWDOWN")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
HEADINGS = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}
SEED_SLUG = "what-are-the-causes-and-treatment-options-for-heterotopic-calcifications"
RESULTS = ROOT / "bench" / "results" / "lighthouse.md"
# A folder to keep each run's full JSON report in (Lighthouse's online viewer opens them).
REPORTS = os.environ.get("LIGHTHOUSE_REPORTS")

# The pages' addresses, read from the database the server uses (never hard-coded).
FIND_PAGES = f"""
import json
from django.urls import reverse
from django.utils.http import urlencode
from articles.models import PublishedVersion
seed = PublishedVersion.objects.live().select_related("author").get(slug={SEED_SLUG!r})
print(json.dumps({{
    "home": reverse("articles:home"),
    "article": seed.get_absolute_url(),
    "author": seed.author.get_absolute_url(),
    "A–Z": reverse("articles:index"),
    # The search page a search engine may send readers to: the results for a condition's name
    # (the results of any other words are noindex, and lose SEO's "blocked from indexing").
    "search": reverse("articles:search") + "?" + urlencode({{"q": seed.condition.lower()}}),
}}))
"""


def installed_version():
    package = LIGHTHOUSE_PREFIX / "node_modules" / "lighthouse" / "package.json"
    try:
        return json.loads(package.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def install_lighthouse():
    if installed_version() == LIGHTHOUSE_VERSION and LIGHTHOUSE.exists():
        return
    if shutil.which("npm") is None:
        sys.exit("Lighthouse comes from npm, which is not installed (apt-get install npm).")
    print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_PREFIX}", flush=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(LIGHTHOUSE_PREFIX),
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url, process, log, seconds=300):
    """Until `url` answers (`make serve` may install requirements first); stop early when the
    server has exited, showing the end of its output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"`make serve` stopped (exit {process.returncode}):\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not answer within {seconds} s:\n{tail(log)}")


def tail(path, lines=30):
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout if capture else None


def site_environment(workdir):
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(workdir)),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_CACHE_PREFIX": f"lighthouse-{os.getpid()}",
        "DATABASE_URL": os.environ.get(
            "LIGHTHOUSE_DATABASE_URL", f"sqlite:///{workdir / 'lighthouse.sqlite3'}"
        ),
        **({"REDIS_URL": redis} if (redis := redis_url()) else {}),
    }


def redis_url():
    """LIGHTHOUSE_REDIS_URL, else a local Redis when one answers: the page cache shared by
    every worker, as in production (each worker's own cache would leave pages uncached)."""
    if "LIGHTHOUSE_REDIS_URL" in os.environ:
        return os.environ["LIGHTHOUSE_REDIS_URL"]
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return None
    return "redis://127.0.0.1:6379/0"


def fill_database(env):
    """The demo content, exactly as `make demo` loads it."""
    for command in ("migrate", "load_demo_content", "create_demo_accounts", "load_demo_reviews"):
        manage(env, command, *(["--no-input"] if command == "migrate" else []))


def start_server(env, workdir):
    """Start `make serve` on free ports; return (the process, the front address, its log)."""
    port, app_port = free_port(), free_port()
    # nginx's workers run as an unprivileged user when started by root: its folder must be
    # reachable by them.
    runtime = workdir / "nginx"
    runtime.mkdir()
    os.chmod(workdir, 0o755)  # noqa: S103 - holds no secret (a throwaway demo database)
    os.chmod(runtime, 0o755)  # noqa: S103
    log = workdir / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                shutil.which("make"),
                "--no-print-directory",
                "serve",
                f"PORT={port}",
                f"APP_PORT={app_port}",
                f"NGINX_RUNTIME={runtime}",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, f"http://127.0.0.1:{port}", log


def warm(front, pages):
    """Every gunicorn worker serves every page a few times first (concurrent requests reach
    them all), as on a site that has been up a while: a worker's first request of a page
    compiles its templates, which is no reader's experience."""
    workers = (os.cpu_count() or 1) * 2 + 1  # gunicorn.conf.py's default

    def get(url):
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - local
            response.read()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for path in pages.values():
            list(pool.map(get, [front + path] * workers * 3))


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def lighthouse(url, output, attempts=3):
    """One Lighthouse run of `url`; return its report (JSON). A run Lighthouse itself gives up
    on (now and then "NO_NAVSTART": it lost the page load's trace) is run again."""
    env = {**os.environ, "CHROME_PATH": CHROME_PATH}
    command = [
        str(LIGHTHOUSE),
        url,
        "--chrome-flags=--headless=new --no-sandbox",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={output}",
        "--quiet",
        *([f"--throttling.cpuSlowdownMultiplier={CPU_SLOWDOWN}"] if CPU_SLOWDOWN else []),
    ]
    for attempt in range(1, attempts + 1):
        output.unlink(missing_ok=True)
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        report = json.loads(output.read_text()) if output.exists() else {}
        error = report.get("runtimeError", {}).get("message") if report else None
        if result.returncode == 0 and report and not error:
            return report
        problem = error or (result.stdout + result.stderr).strip()
        if attempt == attempts:
            sys.exit(f"lighthouse {url} failed {attempts} times:\n{problem}")
        print(f"lighthouse {url} failed, running it again: {problem}", flush=True)
    return None


def scores(report):
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def failing_audits(report, category):
    """(audit id, title, what it found, weight) of each audit of `category` that does not pass;
    weight 0 marks a diagnostic, which does not count in the score."""
    audits = report["audits"]
    failing = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if audit["scoreDisplayMode"] in ("informative", "manual", "notApplicable", "error"):
            continue
        if audit["score"] is not None and audit["score"] < 1:
            failing.append(
                (ref["id"], audit["title"], audit.get("displayValue", ""), ref["weight"])
            )
    return failing


def chromium_version():
    result = subprocess.run([CHROME_PATH, "--version"], capture_output=True, text=True, check=False)
    words = result.stdout.split()
    return words[1] if len(words) > 1 else "unknown"


def node_version():
    return subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()


def cell(values):
    median = round(statistics.median(values))
    if min(values) == max(values):
        return str(median)
    return f"{median} ({min(values)}–{max(values)})"


def measure(front, pages, workdir):
    """Lighthouse on every page, RUNS rounds; return the scores, failures and the host's
    figures Lighthouse reports (its CPU benchmark index and warnings)."""
    runs = {page: [] for page in pages}
    failures = {page: {} for page in pages}
    benchmark, warnings = [], {}
    for round_number in range(1, RUNS + 1):
        for number, (page, path) in enumerate(pages.items()):
            output = workdir / f"page{number}-run{round_number}.json"
            report = lighthouse(front + path, output)
            if REPORTS:
                Path(REPORTS).mkdir(parents=True, exist_ok=True)
                shutil.copy(output, Path(REPORTS) / output.name)
            page_scores = scores(report)
            runs[page].append(page_scores)
            benchmark.append(report["environment"]["benchmarkIndex"])
            for warning in report.get("runWarnings", []):
                warnings[warning] = warnings.get(warning, 0) + 1
            print(
                f"round {round_number}/{RUNS} {page:<8} "
                + " ".join(f"{HEADINGS[name]} {page_scores[name]}" for name in CATEGORIES),
                flush=True,
            )
            for name in CATEGORIES:
                if page_scores[name] < 100:
                    for audit in failing_audits(report, name):
                        failures[page].setdefault((name, audit[0]), audit)
    return runs, failures, benchmark, warnings


def summary(pages, runs, failures, benchmark, warnings):
    """The Markdown the script prints and saves, and the (page, category) pairs below 100."""
    medians = {
        page: {name: statistics.median(run[name] for run in page_runs) for name in CATEGORIES}
        for page, page_runs in runs.items()
    }
    below = [
        (page, name)
        for page, values in medians.items()
        for name in CATEGORIES
        if values[name] < 100
    ]
    throttling = f"throttling but a {CPU_SLOWDOWN}x CPU slowdown" if CPU_SLOWDOWN else "throttling"
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.node()} ({os.cpu_count()} cores, "
        f"Lighthouse's CPU benchmark index {statistics.median(benchmark):.0f}): "
        f"Lighthouse {installed_version()} on Node {node_version()}, "
        f"Chromium {chromium_version()} headless, default mobile emulation and {throttling}; "
        "`make serve` (DEBUG off, nginx in front of gunicorn), demo content. "
        f"Medians of {RUNS} runs (lowest–highest when the runs differ).",
        "",
        "| page | " + " | ".join(HEADINGS[name] for name in CATEGORIES) + " |",
        "|---|" + "---|" * len(CATEGORIES),
    ]
    for page, page_runs in runs.items():
        cells = [cell([run[name] for run in page_runs]) for name in CATEGORIES]
        lines.append(f"| {page} (`{pages[page]}`) | " + " | ".join(cells) + " |")
    if any(failures.values()):
        lines += ["", "Audits that failed in the runs scoring below 100:", ""]
        for page, audits in failures.items():
            for (name, _), (audit_id, title, found, weight) in audits.items():
                detail = f": {found}" if found else ""
                note = "" if weight else " (diagnostic, not scored)"
                lines.append(f"- {page}, {HEADINGS[name]}: `{audit_id}` {title}{detail}{note}")
    if warnings:
        lines += ["", "Lighthouse's warnings:", ""]
        lines += [
            f"- {warning} ({count} of {len(benchmark)} runs)" for warning, count in warnings.items()
        ]
    lines += [
        "",
        "Every median score is 100."
        if not below
        else "Below 100 (median): " + ", ".join(f"{page} {HEADINGS[name]}" for page, name in below),
    ]
    return "\n".join(lines) + "\n", below


def main():
    if not Path(CHROME_PATH).exists():
        sys.exit(f"No Chromium at {CHROME_PATH} (apt-get install chromium, or set CHROME_PATH).")
    install_lighthouse()
    # A `kill` stops the server too, as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="symptomdb-lighthouse-"))
    process = None
    try:
        env = site_environment(workdir)
        print("Filling a database with the demo content (like `make demo`)", flush=True)
        fill_database(env)
        pages = json.loads(manage(env, "shell", "-c", FIND_PAGES, capture=True).splitlines()[-1])
        print("Starting `make serve`", flush=True)
        process, front, log = start_server(env, workdir)
        wait_until_answering(front + "/healthz", process, log)
        warm(front, pages)
        results = measure(front, pages, workdir)
    finally:
        if process is not None:
            stop_server(process)
        shutil.rmtree(workdir, ignore_errors=True)

    text, below = summary(pages, *results)
    print()
    print(text, end="")
    RESULTS.write_text(text)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
