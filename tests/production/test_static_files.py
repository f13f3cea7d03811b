"""Production static files: `collectstatic` with the compressed manifest storage succeeds
(every file a stylesheet refers to exists, source maps included) and pages link to the
fingerprinted names."""

import re

from tests.processes import run_python


def test_collectstatic_fingerprints_and_compresses_and_pages_use_the_fingerprinted_names(
    tmp_path,
):
    code = """
import django; django.setup()
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
print(Client().get("/no-such-page/").content.decode())
"""
    result = run_python(
        code,
        DJANGO_DEBUG="0",
        DJANGO_STATIC_ROOT=str(tmp_path),
        DJANGO_STATIC_MANIFEST="1",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    stylesheets = re.findall(r'href="/static/([^"]+\.css)"', result.stdout)
    assert any(re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", s) for s in stylesheets)
    for name in stylesheets:
        assert (tmp_path / name).exists()
        assert (tmp_path / f"{name}.gz").exists()
