"""Browser test set-up: the database the migrations left, and what happens without Chromium."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

ROOT = Path(__file__).resolve().parents[2]
TARGET = (
    "tests/browser/test_keyboard.py"
    "::test_keyboard_reader_skips_to_the_content_and_uses_the_table_of_contents"
)


def run_browser_tests_without_chromium(tmp_path, **extra_env):
    """Run one browser test in a fresh pytest whose PATH holds no Chromium, on SQLite."""
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


@pytest.mark.parametrize("run", [1, 2])
def test_every_browser_test_starts_with_the_role_groups_of_the_migrations(live_server, run):
    """The live-server tests flush the database, yet each starts with the migrations' groups."""
    groups = Group.objects.filter(name__in=["Authors", "Editors", "Moderators"])
    assert sorted(groups.values_list("name", flat=True)) == ["Authors", "Editors", "Moderators"]
    assert all(group.permissions.exists() for group in groups)
    Group.objects.all().delete()  # the next run must find them again
