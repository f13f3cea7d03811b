"""The public templates are Jinja2's, the admin's are Django's, and each loads in its engine."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.utils.safestring import mark_safe

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PUBLIC = sorted(
    str(path.relative_to(TEMPLATES))
    for path in TEMPLATES.rglob("*.html")
    if path.relative_to(TEMPLATES).parts[0] != "admin"
)
ADMIN = sorted(str(path.relative_to(TEMPLATES)) for path in (TEMPLATES / "admin").rglob("*.html"))


@pytest.mark.parametrize("name", PUBLIC)
def test_each_public_template_compiles_as_jinja2(name):
    assert get_template(name).backend is engines["jinja2"]


@pytest.mark.parametrize("name", ADMIN)
def test_each_admin_template_stays_a_django_template(name):
    assert get_template(name).backend is engines["django"]


def test_a_value_is_escaped_unless_marked_safe_and_a_missing_one_is_empty():
    template = engines["jinja2"].from_string(
        "{{ text }}|{{ html }}|{{ missing.name }}|{{ missing or 'x' }}"
    )
    rendered = template.render({"text": '<b a="1">', "html": mark_safe("<i>")})
    assert rendered == "&lt;b a=&#34;1&#34;&gt;|<i>||x"


def test_the_views_own_values_win_over_the_context_processors(rf):
    """The page every anonymous reader shares is rendered with a placeholder for the CSRF
    token, which the context processor's token must not replace."""
    template = engines["jinja2"].from_string("{{ csrf_token }}")
    request = rf.get("/")
    assert template.render({"csrf_token": "placeholder"}, request) == "placeholder"
    assert len(template.render({}, request)) == 64
