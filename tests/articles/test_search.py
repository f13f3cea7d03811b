"""Full-text search: section bodies are searched, title hits come first, snippets are safe."""

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, PublishedVersion, Section
from articles.search import search_articles
from tests.factories import publish
from tests.markers import needs_postgres

from .helpers import article_post_data

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


def result_titles(response):
    return [article.title for article in response.context["object_list"]]


def test_a_word_only_in_one_section_body_finds_that_article(client, make_article):
    target = make_article(
        title="What is condition alpha?",
        extra_sections=[
            ("Rare signs", "- **Xanthelasma:** yellowish plaques near the eyelids.", "other")
        ],
    )
    make_article(title="What is condition beta?")
    response = client.get(SEARCH, {"q": "xanthelasma"})
    assert response.status_code == 200
    assert result_titles(response) == [target.title]
    assert "<mark>Xanthelasma</mark>" in response.content.decode()


def test_a_title_hit_ranks_above_body_hits(client, make_article):
    body_only = make_article(
        title="What causes tiredness?",
        extra_sections=[
            ("Causes", "Bursitis, bursitis and more bursitis can tire you out.", "causes")
        ],
    )
    titled = make_article(title="What is bursitis?")
    later_body = make_article(
        title="How is a swollen elbow treated?",
        extra_sections=[("Treatment", "Elbow bursitis settles with rest.", "treatment")],
    )
    response = client.get(SEARCH, {"q": "bursitis"})
    titles = result_titles(response)
    assert titles[0] == titled.title
    assert set(titles) == {titled.title, body_only.title, later_body.title}
    assert search_articles("bursitis")[0].article == titled


def test_search_follows_published_versions_not_edits(client, make_article):
    article = make_article(extra_sections=[("Causes", "Caused by gremlins.", "causes")])
    assert result_titles(client.get(SEARCH, {"q": "gremlins"})) == [article.title]
    section = article.sections.get(heading="Causes")
    section.body = "Caused by goblins."
    section.save()
    # The edit waits for review: search still finds the published text only.
    assert result_titles(client.get(SEARCH, {"q": "goblins"})) == []
    publish(article)
    assert result_titles(client.get(SEARCH, {"q": "gremlins"})) == []
    assert result_titles(client.get(SEARCH, {"q": "goblins"})) == [article.title]
    section.delete()
    publish(article)
    assert result_titles(client.get(SEARCH, {"q": "goblins"})) == []


def test_search_finds_the_seed_article_by_a_treatment(client, seed_article):
    response = client.get(SEARCH, {"q": "shockwave therapy"})
    assert result_titles(response) == [seed_article.title]


def test_drafts_and_future_articles_are_not_found(client, make_article):
    draft = make_article(published=False, title="What is hidden zebra disease?")
    future = make_article(
        title="What is future zebra disease?", live_from=timezone.now() + timedelta(days=1)
    )
    shown = make_article(title="What is zebra disease?")
    titles = result_titles(client.get(SEARCH, {"q": "zebra"}))
    assert titles == [shown.title]
    assert draft.title not in titles
    assert future.title not in titles


def test_no_results_page_offers_help(client, seed_article):
    response = client.get(SEARCH, {"q": "qwertyuiop"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "No articles match" in page
    assert reverse("articles:symptoms") in page


NOINDEX = '<meta name="robots" content="noindex">'


@pytest.mark.parametrize("typed", ["Heterotopic calcifications", "  ECTOPIC   calcifications "])
def test_the_results_for_a_conditions_name_may_be_listed_under_one_url(client, seed_article, typed):
    response = client.get(SEARCH, {"q": typed})
    assert result_titles(response)[0] == seed_article.title
    assertNotContains(response, NOINDEX, html=True)
    words = "+".join(typed.lower().split())
    canonical = f'<link rel="canonical" href="http://testserver/search/?q={words}">'
    assertContains(response, canonical, html=True)
    assertContains(response, f"<title>Search: {' '.join(typed.split())} · Symptom Database</title>")
    # Crawlers may read search pages, to see which ones they may list.
    assert "Disallow: /search/" not in client.get("/robots.txt").content.decode().splitlines()


@pytest.mark.parametrize(
    ("parameters", "status"),
    [
        ({}, 200),  # the bare form
        ({"q": "qwertyuiop"}, 200),  # nothing found
        ({"q": "calcifications"}, 200),  # results, but not a condition's name
        # Results, with anyone's words in the page's title: never published under our name.
        ({"q": "heterotopic calcifications or CURE IT WITH BLEACH"}, 200),
        ({"q": "Heterotopic calcifications", "page": 2}, 404),  # past the results
    ],
)
def test_other_search_pages_are_kept_out_of_search_engines(
    client, seed_article, parameters, status
):
    response = client.get(SEARCH, parameters)
    assertContains(response, NOINDEX, html=True, status_code=status)


def test_only_the_first_page_of_a_names_results_may_be_listed(client, make_article, settings):
    for _ in range(settings.ARTICLES_PER_PAGE + 1):
        make_article(condition="Condition")
    first = client.get(SEARCH, {"q": "condition"})
    assertNotContains(first, NOINDEX, html=True)
    second = client.get(SEARCH, {"q": "Condition", "page": 2})
    canonical = '<link rel="canonical" href="http://testserver/search/?q=condition&page=2">'
    assertContains(second, canonical, html=True)
    assertContains(second, NOINDEX, html=True)


@needs_postgres("spelling suggestions use PostgreSQL's trigram similarity")
def test_the_results_of_a_corrected_spelling_are_kept_out_of_search_engines(client, seed_article):
    response = client.get(SEARCH, {"q": "heterotopic calcificaton"})
    assert result_titles(response) == [seed_article.title]
    assertContains(response, NOINDEX, html=True)


def test_empty_query_shows_the_form_without_results(client, seed_article):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert result_titles(response) == []
    assert "No articles match" not in response.content.decode()


def test_an_overlong_query_is_a_400_with_a_message(client):
    response = client.get(SEARCH, {"q": "a" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_markup_in_query_and_article_text_is_escaped(client, make_article):
    make_article(
        title="What is <b>bold</b> syndrome?",
        sections=0,
        extra_sections=[("Signs", r"Look for \<script\>alert(1)\</script\> lesions.", "other")],
    )
    page = client.get(SEARCH, {"q": "lesions <i>"}).content.decode()
    assert "<script>alert" not in page
    assert "</script> lesions" not in page
    assert "<b>bold</b>" not in page
    assert "<i>" not in page
    assert "lesions &lt;i&gt;" in page
    assert "<mark>lesions</mark>" in page


def test_results_are_paginated_and_keep_the_query(client, make_article, settings):
    for _ in range(settings.ARTICLES_PER_PAGE + 2):
        make_article()
    first = client.get(SEARCH, {"q": "condition"})
    assert len(first.context["object_list"]) == settings.ARTICLES_PER_PAGE
    assert "?q=condition&amp;page=2" in first.content.decode()
    second = client.get(SEARCH, {"q": "condition", "page": 2})
    assert len(second.context["object_list"]) == 2


def test_search_box_is_in_the_header_of_every_page(client, seed_article):
    for url in ("/", seed_article.get_absolute_url(), reverse("articles:index")):
        page = client.get(url).content.decode()
        assert f'action="{SEARCH}"' in page, url


def test_search_query_count_does_not_grow_with_results(client, make_article, count_queries):
    make_article()
    few = count_queries(f"{SEARCH}?q=condition")
    for _ in range(15):
        make_article()
    assert count_queries(f"{SEARCH}?q=condition") == few


def test_section_kind_change_is_kept_in_the_index(client, make_article):
    article = make_article()
    section = article.sections.first()
    section.kind = Section.Kind.SYMPTOMS
    section.save()
    publish(article)
    assert result_titles(client.get(SEARCH, {"q": "paragraph"})) == [article.title]


def test_an_article_saved_in_the_admin_is_searchable_by_its_section_text(
    admin_client, client, author, category
):
    data = article_post_data(
        title="What is admin-made disease?",
        slug="admin-made",
        condition="Admin-made disease",
        category=category.pk,
        author=author.pk,
    )
    data |= {
        "sections-TOTAL_FORMS": "1",
        "sections-0-position": "1",
        "sections-0-heading": "Symptoms",
        "sections-0-anchor": "symptoms",
        "sections-0-kind": "symptoms",
        "sections-0-body": "- **Quokka rash:** spots shaped like quokkas",
    }
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert result_titles(client.get(SEARCH, {"q": "quokkas"})) == []
    publish(Article.objects.get(slug="admin-made"))
    assert result_titles(client.get(SEARCH, {"q": "quokkas"})) == ["What is admin-made disease?"]
    symptoms = client.get(reverse("articles:symptoms")).context["terms"]
    assert [term["name"] for term in symptoms] == ["Quokka rash"]


def test_the_condition_name_counts_as_a_title_hit(client, make_article):
    mention = make_article(
        title="What causes heel pain?",
        extra_sections=[("Causes", "Sometimes fasciitis, sometimes a bruise.", "causes")],
    )
    named = make_article(
        title="Why do my heels hurt in the morning?", condition="Plantar fasciitis"
    )
    assert result_titles(client.get(SEARCH, {"q": "fasciitis"})) == [named.title, mention.title]


def body_hit(make_article, title, text):
    return make_article(title=title, extra_sections=[("Causes", text, "causes")])


def test_name_matches_come_first_then_the_others_newest_first_on_every_page(make_article):
    older = body_hit(make_article, "What causes a sore heel?", "Bursitis can make it sore.")
    titled = make_article(title="What is bursitis?")
    newer = body_hit(make_article, "Why does my elbow swell?", "Elbow bursitis is common.")
    newest = body_hit(make_article, "What helps a swollen knee?", "Knee bursitis needs rest.")
    body_hit(make_article, "What is a heel spur?", "Nothing in common with the query.")
    results = search_articles("bursitis")
    listed = [a.article for a in results[0:2] + results[2:3] + results[3:10]]
    assert listed == [titled, newest, newer, older]
    assert results.count() == 4


def test_a_common_word_lists_the_first_results_and_says_there_are_more(
    client, make_article, settings
):
    settings.SEARCH_MAX_RESULTS = 3
    for number in range(5):
        body_hit(make_article, f"What is question {number}?", "Wheezing may come with it.")
    response = client.get(SEARCH, {"q": "wheezing"})
    assert "More than 3 results for “wheezing”" in response.content.decode()
    assert len(result_titles(response)) == 3
    settings.SEARCH_MAX_RESULTS = 5
    response = client.get(SEARCH, {"q": "Wheezing"})  # another page: the first is cached
    assert "5 results for “Wheezing”" in response.content.decode()


@needs_postgres("the search vectors and text search configurations are PostgreSQL's")
def test_search_ignores_accents_and_the_migration_reindexes_older_versions(client, make_article):
    make_article(
        title="What is Ménière's disease?",
        extra_sections=[("Symptoms", "Attacks of vértigo and hearing loss.", "symptoms")],
    )
    for query in ("meniere", "Ménière", "vertigo"):
        assert result_titles(client.get(SEARCH, {"q": query})) == ["What is Ménière's disease?"]
    # A version indexed before the accent-blind configuration existed: no vectors at all.
    PublishedVersion.objects.update(search_vector=None, head_vector=None)
    # (Asked of the search itself: the page for "meniere" is in the page cache.)
    assert search_articles("meniere").count() == 0
    migration = importlib.import_module("articles.migrations.0020_search_ignores_accents")
    state = MigrationExecutor(connection).loader.project_state(
        ("articles", "0020_search_ignores_accents")
    )
    with connection.schema_editor() as schema_editor:
        migration.reindex(state.apps, schema_editor)
    assert [version.title for version in search_articles("meniere")[0:5]] == [
        "What is Ménière's disease?"
    ]


@needs_postgres("ranking is PostgreSQL's")
def test_only_the_newest_head_matches_are_ranked_and_no_match_is_left_out(
    client, make_article, settings
):
    """A common word's thousands of matches are not all ranked: the newest SEARCH_RANKED in
    the title or intro are, and every other match follows, newest first."""
    settings.SEARCH_RANKED = 2
    now = timezone.now()
    oldest = make_article(title="What is a blister?", live_from=now - timedelta(days=3))
    body_only = make_article(
        title="What is a corn?",
        extra_sections=[("Care", "A blister plaster also helps.", "treatment")],
        live_from=now - timedelta(days=2),
    )
    newer = make_article(title="Why does a blister itch?", live_from=now - timedelta(days=1))
    newest = make_article(title="How do blisters heal?", live_from=now)
    results = search_articles("blister")
    assert results.count() == 4
    listed = [version.article_id for version in results[0:10]]
    # The two newest title matches, ranked; then the rest by date: the oldest title match
    # after a newer match in a section.
    assert set(listed[:2]) == {newer.pk, newest.pk}
    assert listed[2:] == [body_only.pk, oldest.pk]
