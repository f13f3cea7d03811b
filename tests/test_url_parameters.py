"""Whatever a URL's parameters hold (any text, any bytes, control characters, repeats), public
pages answer 200, 400 with a message or 404: never a 500, and nothing from the address reaches
the HTML unescaped."""

from urllib.parse import quote, quote_from_bytes

import pytest
from django.contrib.admin import site
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

# Thousands of rows, the demo content or hypothesis runs: left out of `make test-fast`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ANSWERS = {200, 400, 404}


@pytest.fixture
def pages(make_article):
    article = make_article(
        title="What is <b>bold</b> swelling?",
        extra_sections=[("Symptoms", "- Joint stiffness", "symptoms")],
    )
    return {
        "search": (reverse("articles:search"), ["q", "page"]),
        "a-z": (reverse("articles:index"), ["letter", "category", "page"]),
        "home": (reverse("articles:home"), ["page"]),
        "category": (article.category.get_absolute_url(), ["page"]),
        "authors": (reverse("authors:index"), ["sort", "page"]),
        "author": (article.author.get_absolute_url(), ["page"]),
        "article": (article.get_absolute_url(), ["comments", "reply_to"]),
        "symptoms": (reverse("articles:symptoms"), ["letter", "page"]),
        "sitemap": (reverse("articles:sitemap_section", args=["articles"]), ["p"]),
        "symptom": (reverse("articles:symptom", args=["joint-stiffness"]), ["page"]),
        "suggestions": (reverse("articles:suggest"), ["q"]),
    }


def get(path, query_string):
    return Client(raise_request_exception=False).get(path, QUERY_STRING=query_string)


@given(value=st.text(max_size=300), which=st.integers(min_value=0, max_value=20))
def test_any_text_in_any_parameter_is_answered(pages, value, which):
    for path, declared in pages.values():
        # A page's own parameters, and some it does not have (templates may still read them).
        names = [*declared, "page", "made-up"]
        name = names[which % len(names)]
        response = get(path, f"{name}={quote(value)}")
        assert response.status_code in ANSWERS, (path, name, value)
        if "<" in value:
            assert value not in response.content.decode(), (path, name, value)


@given(raw=st.binary(max_size=200))
def test_any_bytes_in_the_query_string_are_answered(pages, raw):
    for path, names in pages.values():
        for name in [*names, "page"]:
            response = get(path, f"{name}={quote_from_bytes(raw)}")
            assert response.status_code in ANSWERS, (path, name, raw)


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "tab\there", "\x1b[31m", "\x7f"])
def test_control_characters_in_an_address_are_a_400_that_says_so(pages, value):
    for path, names in pages.values():
        response = get(path, f"{(names or ['q'])[0]}={quote(value)}")
        assert response.status_code == 400, path
        assert "The address contains control characters." in response.content.decode()


def test_a_parameter_given_twice_is_a_400_naming_it(pages):
    path, _ = pages["search"]
    response = get(path, "q=pain&q=swelling")
    assert response.status_code == 400
    assert "The address gives “q” more than once." in response.content.decode()
    assert get(pages["a-z"][0], "letter=A&letter=B").status_code == 400


def test_the_admin_keeps_its_own_parameters(admin_client):
    """The admin's filters are Django's: repeated keys there are its business."""
    url = reverse("admin:articles_article_changelist")
    assert admin_client.get(url, QUERY_STRING="o=1&o=2").status_code in {200, 302}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("created_at__year=2026", 200),
        ("created_at__year=2026&created_at__month=11&created_at__day=30", 200),
        ("created_at__year=99999", 400),
        ("created_at__year=2026&created_at__month=13", 400),
        ("created_at__year=2026&created_at__month=11&created_at__day=0", 400),
        ("created_at__year=%C2%B2", 400),  # a digit to str.isdigit(), not to int()
    ],
)
def test_the_admin_s_date_filters_take_dates_in_range(admin_client, query, status):
    """Django's date filters would answer a year beyond 9999 with a 500."""
    url = reverse("admin:comments_comment_changelist")
    response = admin_client.get(url, QUERY_STRING=query)
    assert response.status_code == status
    if status == 400:
        assert "A date filter" in response.content.decode()


@pytest.mark.parametrize("selected", ["abc", "6.0", "1\u00b2", "2" * 40])
def test_an_admin_action_on_something_that_is_not_an_item_is_a_400(admin_client, selected):
    response = admin_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve_comments", "_selected_action": [selected]},
    )
    assert response.status_code == 400
    assert "Select the items from the list" in response.content.decode()


@pytest.mark.parametrize("digit", ["\u00b2", "\u2460", "\u0663"])
def test_a_page_number_in_other_digits_is_answered(pages, digit):
    """``str.isdigit`` takes superscripts and circled digits that ``int`` refuses."""
    for path, _ in pages.values():
        response = get(path, f"page={quote(digit)}")
        assert response.status_code in ANSWERS, path


def test_a_bad_value_is_named_in_the_400(pages):
    for key, query, message in [
        ("a-z", "letter=%3F%3F", "the A to Z index has the letters A to Z and # only."),
        ("home", "page=-3", "page: must be a page number."),
        ("authors", "sort=best", "sort: Select a valid choice."),
        ("article", "reply_to=abc", "reply_to: Enter a whole number."),
    ]:
        response = get(pages[key][0], query)
        assert response.status_code == 400, key
        assert message in response.content.decode(), key


def autocomplete_fields():
    """(model admin, field) for every autocomplete field of the site's admins."""
    return [
        pytest.param(model_admin, name, id=f"{model._meta.label}.{name}")
        for model, model_admin in site._registry.items()
        for name in model_admin.autocomplete_fields
    ]


@pytest.mark.parametrize(("model_admin", "name"), autocomplete_fields())
@pytest.mark.parametrize("value", ["abc", "1.5", "9" * 20])
def test_an_autocomplete_field_given_something_not_an_id_says_so_in_the_form(
    admin_client, model_admin, name, value
):
    """Django's autocomplete widget looked the value up to show it again: a 500."""
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")

    response = admin_client.post(url, {name: value})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not model_admin.model.objects.exists()


def test_an_affiliation_given_something_not_an_id_says_so_in_the_author_s_form(
    admin_client, author
):
    link = author.affiliation_links.get()
    prefix = "affiliation_links-0-"
    form = {
        "name": author.name,
        "slug": author.slug,
        "credentials": author.credentials,
        "affiliation_links-TOTAL_FORMS": "1",
        "affiliation_links-INITIAL_FORMS": "1",
        prefix + "id": link.pk,
        prefix + "author": author.pk,
        prefix + "affiliation": "abc",
        prefix + "is_primary": "on",
    }

    response = admin_client.post(reverse("admin:authors_author_change", args=[author.pk]), form)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert author.affiliation_links.get().affiliation_id == link.affiliation_id
