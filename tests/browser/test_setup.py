"""Without Chromium the browser tests are skipped with the install command, or fail in CI."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET = "tests/browser/test_keyboard.py"


def run_browser_tests_without_chromium(tmp_path, **extra_env):
    """Run one browser test module in a fresh pytest whose PATH holds no Chromium, on SQLite."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "BROWSER_TESTS_REQUIRED"}
    }
    env.update(PATH=str(tmp_path), **extra_env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", TARGET, "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("extra_env", "exit_code", "outcome"),
    [({}, 0, "1 skipped"), ({"BROWSER_TESTS_REQUIRED": "1"}, 1, "1 error")],
    ids=["skipped-on-a-users-machine", "failed-where-required"],
)
def test_browser_tests_without_chromium_name_the_install_command(
    tmp_path, extra_env, exit_code, outcome
):
    """No Chromium: skipped with "sudo apt-get install chromium", or an error in CI."""
    result = run_browser_tests_without_chromium(tmp_path, **extra_env)
    output = result.stdout + result.stderr
    assert result.returncode == exit_code, output
    assert outcome in output
    assert "sudo apt-get install chromium" in output
