"""gunicorn settings: workers from GUNICORN_WORKERS or 2 x cores + 1, and a configuration that
gunicorn accepts with the application loaded."""

import multiprocessing
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent.parent / "symptomdb" / "gunicorn.conf.py"


def test_workers_default_to_twice_the_cores_plus_one(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    assert runpy.run_path(str(CONFIG))["workers"] == multiprocessing.cpu_count() * 2 + 1


def test_workers_and_bind_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    config = runpy.run_path(str(CONFIG))
    assert config["workers"] == 3
    assert config["bind"] == "0.0.0.0:9000"


def test_gunicorn_accepts_the_configuration_and_loads_the_application():
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "--config", str(CONFIG), "--check-config"],
        cwd=CONFIG.parent.parent,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "symptomdb.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
