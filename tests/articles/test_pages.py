"""Public pages: home, category, the article page mirroring the seed's structure, and drafts."""

import re
from datetime import date, timedelta

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import signed_in_client, staff_user

from .helpers import SEED_HEADINGS, SEED_TITLE

pytestmark = pytest.mark.django_db

HOME = reverse("articles:home")


def test_article_page_mirrors_the_seed_structure(client, seed_article):
    response = client.get(seed_article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()

    assertContains(response, f"<title>{SEED_TITLE} · Symptom Database</title>", html=True)
    category = seed_article.category.get_absolute_url()
    assertContains(
        response,
        f'<p class="category-label"><a href="{category}">Symptom Database</a></p>',
        html=True,
    )
    assertContains(response, f'<h1 id="article-title">{SEED_TITLE}</h1>', html=True)
    # Every heading in order, as h2, with a table-of-contents link to its anchor.
    headings = re.findall(r'<section class="article-section" id="[^"]+">\s*<h2>([^<]+)</h2>', page)
    assert headings == SEED_HEADINGS
    toc = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', page)
    assert [text for _, text in toc] == SEED_HEADINGS
    for anchor, _ in toc:
        assertContains(response, f'<section class="article-section" id="{anchor}"')
    # The "Term: description" items have the term in bold, in order.
    assert re.findall(r"<li><strong>([^<]+):</strong>", page)[:4] == [
        "Genetic predisposition",
        "Trauma or injury",
        "Underlying medical conditions",
        "Medications",
    ]
    assertContains(response, "<li>Joint stiffness</li>", html=True)
    # Conclusion after the last section, then the disclaimer and the byline.
    last_section = page.index("Surgical Intervention and Complications</h2>")
    conclusion = page.index("In conclusion, heterotopic calcifications")
    disclaimer = page.index("This is information, not a diagnosis.")
    byline = page.index('rel="author">Haroon Rashid, MD</a>')
    assert last_section < conclusion < disclaimer < byline
    assert "Urgent Care Center of Arlington, VA" in page[byline:]
    initials = '<span class="author-initials" aria-hidden="true">HR</span>'
    assertContains(response, initials, html=True)
    assertContains(response, "Published <time")


def test_article_page_has_semantic_landmarks_and_a_skip_link(client, seed_article):
    page = client.get(seed_article.get_absolute_url())
    assertContains(page, '<a class="skip-link" href="#main">Skip to main content</a>', html=True)
    for tag in ("<header", "<nav", '<main id="main"', "<article", "<footer"):
        assertContains(page, tag)
    assertContains(
        page,
        f'<link rel="stylesheet" href="{static("css/print.css")}" media="print">',
        html=True,
    )


def test_pages_load_nothing_from_other_hosts(client, seed_article):
    for url in (HOME, seed_article.get_absolute_url()):
        response = client.get(url)
        links = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', response.content.decode())
        external = [link for link in links if not link.startswith("http://testserver/")]
        assert external == [], url
        stylesheet = f'<link rel="stylesheet" href="{static("css/site.css")}">'
        assertContains(response, stylesheet, html=True, msg_prefix=url)


def test_last_reviewed_date_is_the_sign_off_date(client, make_article):
    article = make_article(reviewed_on=date(2026, 3, 14))
    assertContains(
        client.get(article.get_absolute_url()),
        '<p class="review-dates">'
        'Last reviewed <time datetime="2026-03-14">14 March 2026</time>'
        ' · Next review due <time datetime="2027-03-14">14 March 2027</time>'
        "</p>",
        html=True,
    )


def test_draft_and_unknown_slugs_are_404_for_readers(client, make_article):
    draft = make_article(published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:detail", args=["no-such-article"])).status_code == 404


def test_future_publication_time_is_not_yet_visible(client, make_article):
    article = make_article(live_from=timezone.now() + timedelta(days=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    assertNotContains(client.get(HOME), article.title)


def test_the_public_address_of_a_draft_is_404_even_for_its_editor(make_article):
    """Readers' pages show published versions only; editors preview in the admin."""
    draft = make_article(published=False)
    editor = signed_in_client(staff_user("ed", "Editors"))
    assert editor.get(draft.get_absolute_url()).status_code == 404
    preview = editor.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assertContains(preview, "<strong>Preview: Draft</strong>", html=True)


def test_staff_without_article_permission_cannot_preview(make_article):
    draft = make_article(published=False)
    staff = signed_in_client(staff_user("mod"))
    assert staff.get(draft.get_absolute_url()).status_code == 404
    preview = staff.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert preview.status_code == 404  # another's article does not exist for them


def test_home_lists_published_articles_and_their_categories(client, seed_article, make_article):
    draft = make_article(published=False, title="A hidden draft?")
    page = client.get(HOME)
    assertContains(page, SEED_TITLE)
    assertNotContains(page, draft.title)
    category = seed_article.category.get_absolute_url()
    assertContains(page, f'<a href="{category}">Symptom Database</a>', html=True)


def test_category_page_lists_its_published_articles(client, seed_article):
    response = client.get(seed_article.category.get_absolute_url())
    assertContains(response, SEED_TITLE)
    assert client.get(reverse("articles:category", args=["unknown"])).status_code == 404


def test_author_page_shows_affiliation_and_articles(client, seed_article):
    response = client.get(seed_article.author.get_absolute_url())
    assertContains(response, '<h1 class="mb-1">Haroon Rashid, MD</h1>', html=True)
    assertContains(response, "Urgent Care Center of Arlington, VA")
    assertContains(response, SEED_TITLE)


def test_article_page_query_count_does_not_grow_with_sections(
    client, make_article, django_assert_max_num_queries
):
    small, large = make_article(sections=2), make_article(sections=40)
    with django_assert_max_num_queries(10) as small_queries:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10) as large_queries:
        page = client.get(large.get_absolute_url())
    assertContains(page, "<h2>Heading 40</h2>", html=True)
    assert len(small_queries.captured_queries) == len(large_queries.captured_queries)


def test_list_pages_query_count_does_not_grow_with_articles(count_queries, make_article, category):
    make_article()
    few = {url: count_queries(url) for url in (HOME, category.get_absolute_url())}
    for _ in range(8):
        make_article()
    many = {url: count_queries(url) for url in (HOME, category.get_absolute_url())}
    assert few == many
