"""Instructions one page costs, counted by callgrind: `python bench/instructions.py PATH`.

Seconds measured on a shared or virtual machine vary by a third from one run to the next; the
instructions a request executes do not (two runs agree to 0.1%). This runs
`bench/profile_page.py PATH --only N` under `valgrind --tool=callgrind` twice at once, serving
0 and N requests after the same start and warm-up, and prints the difference divided by N:
the instructions of one request, the page cache off unless `--cached`. Compare two versions of
the code with it (the other on a `git worktree`). Instructions are not time: a tight loop in
C (a `str.translate`, say) runs many more of them per second than Python's interpreter does,
so check a change's effect on time with `make bench` too. About two minutes.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def collected(path, requests, cached, folder):
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={folder}/callgrind.{requests}",
        sys.executable,
        str(ROOT / "bench" / "profile_page.py"),
        path,
        "--only",
        str(requests),
        *(["--cached"] if cached else []),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=60, help="N (default 60)")
    parser.add_argument("--cached", action="store_true", help="with the page cache on")
    options = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed: sudo apt-get install valgrind")
    # Python compiles changed modules on its first run: not in either count.
    warm = [sys.executable, str(ROOT / "bench" / "profile_page.py"), options.path, "--only", "0"]
    subprocess.run(warm, check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="symptomdb-callgrind-") as folder:
        runs = [
            collected(options.path, requests, options.cached, folder)
            for requests in (0, options.requests)
        ]
        counts = []
        for run in runs:
            _, errors = run.communicate()
            found = re.search(r"Collected : (\d+)", errors)
            if run.returncode or not found:
                sys.exit(f"callgrind failed:\n{errors}")
            counts.append(int(found.group(1)))
    per_request = (counts[1] - counts[0]) / options.requests
    cache = "cache on" if options.cached else "page cache off"
    print(f"{options.path} ({cache}): {per_request / 1e6:.2f} million instructions a request")


if __name__ == "__main__":
    main()
