"""Links in pages, reversed once per process (``symptomdb.links``): always the address Django
would give, under whatever path the site is served and whatever URL configuration is on."""

import re
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch
from django.urls import reverse as django_reverse
from hypothesis import given
from hypothesis import strategies as st

from symptomdb import links

pytestmark = pytest.mark.django_db


def links_in(path, script_name=""):
    """The site's own links in the page at ``path``, served as a WSGI server serves it (the
    test client leaves the script prefix alone), under ``script_name``."""
    environ = {"PATH_INFO": path, "SCRIPT_NAME": script_name, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    statuses = []
    # As the test client does: the handler would close the test's connection, in the middle
    # of its transaction, as an outdated one.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = get_wsgi_application()(environ, lambda status, _: statuses.append(status))
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["200 OK"]
    return set(re.findall(r'href="(/[^"#?]*)', body.decode()))


def test_a_site_served_under_a_path_links_under_it_and_at_the_root_again_does_not(seed_article):
    address = seed_article.get_absolute_url()
    ours = {
        django_reverse("articles:index"),
        django_reverse("authors:index"),
        seed_article.author.get_absolute_url(),
    }
    at_root = links_in(address)
    assert ours <= at_root

    # What a proxy passing "/health" as the script name gets: every link under it.
    under = links_in(address, script_name="/health")
    assert {f"/health{link}" for link in ours} <= under
    assert not ours & under

    assert links_in(address) == at_root


def test_another_url_configuration_gets_its_own_addresses(client, seed_article):
    address = seed_article.get_absolute_url()
    assert links.reverse("articles:detail", kwargs={"slug": seed_article.slug}) == address
    with (
        override_settings(ROOT_URLCONF="tests.production.csp_urls"),
        pytest.raises(NoReverseMatch),
    ):
        links.reverse("articles:detail", kwargs={"slug": seed_article.slug})
    assert links.reverse("articles:detail", kwargs={"slug": seed_article.slug}) == address


@given(slug=st.from_regex(r"[-a-zA-Z0-9_]+", fullmatch=True), number=st.integers(1, 2**31))
def test_remembered_addresses_are_djangos(slug, number):
    for name, arguments in [
        ("articles:detail", {"kwargs": {"slug": slug}}),
        ("authors:detail", {"kwargs": {"slug": slug}}),
        ("comments:report", {"args": [number]}),
    ]:
        # Twice: the second answer is the remembered one.
        assert links.reverse(name, **arguments) == django_reverse(name, **arguments)
        assert links.reverse(name, **arguments) == django_reverse(name, **arguments)


def test_values_equal_to_a_remembered_one_but_of_another_type_reverse_as_django_does():
    assert links.reverse("comments:report", args=[1]) == django_reverse("comments:report", args=[1])
    # True == 1 and hashes alike, but Django writes it "True", which no comment address takes.
    with pytest.raises(NoReverseMatch):
        django_reverse("comments:report", args=[True])
    with pytest.raises(NoReverseMatch):
        links.reverse("comments:report", args=[True])


def test_the_url_tag_answers_as_djangos_does():
    template = engines["django"].from_string(
        "{% url 'articles:detail' slug=slug %}|{% url 'comments:report' number %}|"
        "{% url 'no-such-page' as missing %}[{{ missing }}]|"
        "{% url 'articles:home' as home %}{{ home }}"
    )
    rendered = template.render({"slug": "knee-pain", "number": 7})
    assert rendered == "|".join(
        [
            django_reverse("articles:detail", kwargs={"slug": "knee-pain"}),
            django_reverse("comments:report", args=[7]),
            "[]",
            django_reverse("articles:home"),
        ]
    )
    with pytest.raises(NoReverseMatch):
        engines["django"].from_string("{% url 'no-such-page' %}").render({})
