"""Browsing: A-Z index, term indexes, related articles, breadcrumbs and meta tags."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.discovery_views import TERMS_PER_PAGE
from articles.models import Category, Section, VersionTerm
from articles.terms import extract_terms
from tests.factories import publish

pytestmark = pytest.mark.django_db

INDEX = reverse("articles:index")
SYMPTOMS = reverse("articles:symptoms")


def test_list_item_terms_are_the_bold_lead_term_or_the_whole_item():
    body = (
        "Intro paragraph.\n\n- **Genetic predisposition:** Some people.\n"
        "- Joint stiffness\n- Pain and swelling.\n- **Rest**: lie down\n- joint STIFFNESS\n\n"
        "1. **Ice:** often"
    )
    assert extract_terms(body) == [
        "Genetic predisposition",
        "Joint stiffness",
        "Pain and swelling",
        "Rest",
        "Ice",
    ]


def test_terms_are_stored_with_each_published_version(make_article):
    article = make_article(sections=1)
    version = article.published_versions.get()
    assert list(version.terms.values_list("name", "slug")) == [
        ("Term 1", "term-1"),
        ("second", "second"),
    ]
    Section.objects.filter(article=article).update(body="- **Fever:** high")
    publish(article)
    live = article.published_versions.live().get()
    assert list(live.terms.values_list("name", "slug")) == [("Fever", "fever")]
    assert VersionTerm.objects.live().filter(slug="term-1").count() == 0


def test_a_to_z_links_letters_with_articles_and_leaves_others_plain(client, make_article):
    make_article(title="Why does my heel hurt?", condition="Plantar fasciitis")
    make_article(title="What is anaemia?")
    page = client.get(INDEX).content.decode()
    assert 'href="?letter=P">P</a>' in page
    assert 'href="?letter=W">W</a>' in page
    assert '<span class="text-body-secondary" aria-disabled="true">Q</span>' in page
    assert ">Plantar fasciitis</a>" in page


def test_a_to_z_filters_by_letter_and_category(client, make_article):
    other = Category.objects.create(name="Skin", slug="skin")
    make_article(title="What is acne?", category=other)
    make_article(title="What is asthma?")
    make_article(title="What is bursitis?")
    make_article(title="What is a draft?", published=False)

    def titles(params):
        return [a.title for a in client.get(INDEX, params).context["object_list"]]

    assert titles({}) == ["What is acne?", "What is asthma?", "What is bursitis?"]
    assert titles({"letter": "W", "category": "skin"}) == ["What is acne?"]
    assert titles({"letter": "B"}) == []
    assert client.get(INDEX, {"category": "nope"}).status_code == 404
    refused = client.get(INDEX, {"letter": "??"})
    assert refused.status_code == 400
    assert "the A to Z index has the letters A to Z and # only" in refused.content.decode()
    # Letters whose capitals are ASCII (dotless i is "I", long s is "S"): a second address.
    assert client.get(INDEX, {"letter": "\u0131"}).status_code == 400
    assert client.get(INDEX, {"letter": "\u017f"}).status_code == 400
    assert titles({"letter": "w"}) == titles({"letter": "W"})


def test_a_to_z_sorts_by_condition_and_files_digits_under_hash(client, make_article):
    make_article(title="Zzz?", condition="Bursitis")
    make_article(title="Aaa?", condition="Cellulitis")
    make_article(title="5 signs of flu?")
    response = client.get(INDEX)
    assert [a.az_name for a in response.context["object_list"]] == [
        "5 signs of flu?",
        "Bursitis",
        "Cellulitis",
    ]
    other = client.get(INDEX, {"letter": "#"}).context["object_list"]
    assert [a.title for a in other] == ["5 signs of flu?"]


def test_a_to_z_is_paginated_keeping_its_filters(client, make_article, settings):
    for _ in range(settings.ARTICLES_PER_PAGE + 1):
        make_article()
    page = client.get(INDEX, {"letter": "W"}).content.decode()
    assert "?letter=W&amp;page=2" in page
    assert len(client.get(INDEX, {"letter": "W", "page": 2}).context["object_list"]) == 1


def test_symptom_index_lists_each_symptom_with_the_articles_naming_it(
    client, seed_article, make_article, add_section
):
    other = make_article(
        title="What is arthritis?",
        extra_sections=[("Symptoms", "- Joint stiffness\n- Warm joints", "symptoms")],
    )
    make_article(
        title="What is hidden?",
        published=False,
        extra_sections=[("Symptoms", "- Secret symptom", "symptoms")],
    )
    response = client.get(SYMPTOMS)
    assert response.status_code == 200
    terms = {term["name"]: term for term in response.context["terms"]}
    # Each article under the condition it is about (the imported seed's was derived).
    assert [a["name"] for a in terms["Joint stiffness"]["articles"]] == [
        "Heterotopic calcifications",
        other.title,
    ]
    assert "Secret symptom" not in terms
    assert "Genetic predisposition" not in terms  # a cause, not a symptom
    page = response.content.decode()
    assert '<dt id="joint-stiffness">Joint stiffness</dt>' in page
    assert '<a href="?letter=J">J</a>' in page
    assert '<span class="text-body-secondary" aria-disabled="true">Q</span>' in page
    assert page.index('id="letter-J"') < page.index('id="joint-stiffness"')
    only_j = client.get(SYMPTOMS, {"letter": "j"}).context["terms"]
    assert [term["name"] for term in only_j] == ["Joint stiffness"]


def test_a_term_index_shows_a_page_of_terms_however_many_there_are(client, make_article):
    many = TERMS_PER_PAGE + 5
    items = "\n".join(f"- Sign {number:03d}" for number in range(many))
    make_article(extra_sections=[("Symptoms", f"{items}\n- 5th toe pain\n- \u00c9tat", "symptoms")])

    first = client.get(SYMPTOMS)
    second = client.get(SYMPTOMS, {"page": 2})

    names = [term["name"] for term in first.context["terms"]]
    assert names == [f"Sign {number:03d}" for number in range(TERMS_PER_PAGE)]
    assert '<a class="page-link" href="?page=2" rel="next">Next</a>' in first.content.decode()
    rest = [term["name"] for term in second.context["terms"]]
    # Terms filed under "#" come after Z, as in the A-Z.
    assert rest == [
        *(f"Sign {n:03d}" for n in range(TERMS_PER_PAGE, many)),
        "5th toe pain",
        "\u00c9tat",
    ]
    assert [group["letter"] for group in second.context["groups"]] == ["S", "#"]
    other = client.get(SYMPTOMS, {"letter": "#"}).context["terms"]
    assert [term["name"] for term in other] == ["5th toe pain", "\u00c9tat"]
    assert client.get(SYMPTOMS, {"page": 3}).status_code == 404


def test_a_term_shared_by_many_articles_shows_a_few_and_links_to_its_own_page(client, make_article):
    names = [f"Condition {letter}" for letter in "HGFEDCBA"]
    for name in names:
        make_article(
            title=f"What is {name.lower()}?",
            condition=name,
            extra_sections=[("Symptoms", "- Joint stiffness", "symptoms")],
        )
    make_article(
        title="What is hidden?",
        condition="Condition Z",
        published=False,
        extra_sections=[("Symptoms", "- Joint stiffness", "symptoms")],
    )
    term_page = reverse("articles:symptom", args=["joint-stiffness"])
    index = client.get(SYMPTOMS)
    term = {term["slug"]: term for term in index.context["terms"]}["joint-stiffness"]
    # The first six A-Z, and a link to all eight: the index stays small however many share it.
    assert [article["name"] for article in term["articles"]] == sorted(names)[:6]
    assert (
        f'<a href="{term_page}">All 8 conditions'
        '<span class="visually-hidden"> with Joint stiffness</span></a>'
    ) in index.content.decode()

    first = client.get(term_page, {"page": 1})
    assert first.status_code == 200
    page = first.content.decode()
    assert "<h1>Joint stiffness</h1>" in page
    assert "8 conditions name it as a symptom." in page
    listed = re.findall(r'<li><a href="/articles/[^"]+" title="[^"]+">([^<]+)</a></li>', page)
    assert listed == sorted(names)
    assert "Condition Z" not in page


@pytest.mark.parametrize("term", ["no-such-term", "secret-symptom"])
def test_a_term_no_published_article_names_is_not_found(client, make_article, term):
    make_article(published=False, extra_sections=[("Symptoms", "- Secret symptom", "symptoms")])
    assert client.get(reverse("articles:symptom", args=[term])).status_code == 404


def test_term_pages_are_paginated_per_kind(client, make_article):
    for _ in range(settings.ARTICLES_PER_PAGE + 1):
        make_article(extra_sections=[("Treatment", "- **Rest:** sleep well", "treatment")])
    url = reverse("articles:treatment", args=["rest"])
    assert len(client.get(url).context["object_list"]) == settings.ARTICLES_PER_PAGE
    assert len(client.get(url, {"page": 2}).context["object_list"]) == 1
    assert client.get(url, {"page": 3}).status_code == 404
    assert client.get(reverse("articles:symptom", args=["rest"])).status_code == 404


def test_term_index_names_articles_by_their_condition(client, make_article, add_section):
    make_article(
        title="Why does my heel hurt?",
        condition="Plantar fasciitis",
        extra_sections=[("Symptoms", "- Heel pain", "symptoms")],
    )
    page = client.get(SYMPTOMS).content.decode()
    assert 'title="Why does my heel hurt?">Plantar fasciitis</a>' in page


def test_cause_and_treatment_indexes_use_their_section_kinds(client, seed_article):
    causes = [t["name"] for t in client.get(reverse("articles:causes")).context["terms"]]
    treatments = [t["name"] for t in client.get(reverse("articles:treatments")).context["terms"]]
    assert "Trauma or injury" in causes
    assert "Calcitonin injections" in treatments
    assert "Calcitonin injections" not in causes


def test_related_articles_share_terms_or_category_and_are_at_most_five(
    client, make_article, run_tasks
):
    other_category = Category.objects.create(name="Skin", slug="skin")
    article = make_article(
        title="What is gout?",
        category=other_category,
        sections=0,
        extra_sections=[("Symptoms", "- Joint stiffness\n- Red skin", "symptoms")],
    )
    sharing = make_article(
        title="What is arthritis?",
        sections=0,
        extra_sections=[("Symptoms", "- Joint stiffness", "symptoms")],
    )
    unrelated = make_article(title="What is flu?", sections=0)
    same_category = [
        make_article(title=f"Skin condition {n}?", category=other_category, sections=0)
        for n in range(6)
    ]
    draft = make_article(title="Draft?", category=other_category, published=False)
    run_tasks()  # the lists are computed in the background after each publication

    related = [
        version.article
        for version in client.get(article.get_absolute_url()).context["related_articles"]
    ]
    assert len(related) == 5
    assert related[0] == sharing
    assert set(related[1:]) <= set(same_category)
    assert unrelated not in related
    assert draft not in related
    assert article not in related
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'id="related-heading" class="h5">Related articles</h2>' in page


def test_breadcrumbs_lead_home_then_category_then_article(client, seed_article):
    page = client.get(seed_article.get_absolute_url()).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs) == [
        ("/", "Home"),
        ("/categories/symptom-database/", "Symptom Database"),
    ]
    assert f'aria-current="page">{seed_article.title}</li>' in crumbs


def test_article_page_has_canonical_description_and_social_tags(client, seed_article):
    page = client.get(seed_article.get_absolute_url()).content.decode()
    url = "http://testserver" + seed_article.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in page
    description = re.search(r'<meta name="description" content="([^"]+)">', page).group(1)
    assert description.startswith("Heterotopic calcifications, also known as")
    assert len(description) <= 300
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:title" content="{seed_article.title}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta name="twitter:card" content="summary">' in page


@pytest.mark.parametrize(
    "url",
    [
        "/",
        INDEX,
        SYMPTOMS,
        reverse("articles:causes"),
        reverse("articles:treatments"),
        "/search/?q=condition",
        "/categories/symptom-database/",
        "/authors/ada-byline/",
    ],
)
def test_every_public_page_has_meta_tags_and_header_links(client, make_article, url):
    make_article()
    page = client.get(url).content.decode()
    assert '<link rel="canonical" href="http://testserver' in page
    assert '<meta name="description" content="' in page
    assert '<meta property="og:title" content="' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert f'href="{INDEX}">A\N{EN DASH}Z</a>' in page


def test_canonical_link_keeps_the_page_number_and_drops_other_parameters(client, make_article):
    for _ in range(11):
        make_article()
    page = client.get(INDEX, {"page": 2, "utm_source": "x"}).content.decode()
    assert '<link rel="canonical" href="http://testserver/articles/?page=2">' in page


@pytest.mark.parametrize(
    ("url", "query", "canonical"),
    [
        (INDEX, {"letter": "w", "utm_source": "x"}, "/articles/?letter=W"),
        (INDEX, {"letter": "W", "page": 2}, "/articles/?letter=W&amp;page=2"),
        (
            INDEX,
            {"category": "symptom-database", "letter": "#"},
            "/articles/?letter=%23&amp;category=symptom-database",
        ),
        (SYMPTOMS, {"letter": "j"}, "/symptoms/?letter=J"),
        (SYMPTOMS, {}, "/symptoms/"),
    ],
)
def test_a_letter_s_index_page_is_its_own_canonical_page(
    client, make_article, url, query, canonical
):
    """Not the whole index's: a letter's page lists other entries, which crawlers should keep."""
    for _ in range(11):
        make_article(extra_sections=[("Symptoms", "- Joint stiffness", "symptoms")])
    page = client.get(url, query).content.decode()
    assert f'<link rel="canonical" href="http://testserver{canonical}">' in page


@pytest.mark.parametrize(
    "url",
    [
        INDEX,
        f"{INDEX}?letter=W&category=symptom-database",
        SYMPTOMS,
        reverse("articles:causes"),
        reverse("articles:treatments"),
    ],
)
def test_browse_page_query_counts_do_not_grow_with_articles(make_article, count_queries, url):
    make_article()
    few = count_queries(url)
    for _ in range(8):
        make_article()
    assert count_queries(url) == few


def test_article_page_query_count_does_not_grow_with_related_articles_or_terms(
    make_article, count_queries
):
    article = make_article(sections=2)
    few = count_queries(article.get_absolute_url())
    for _ in range(8):
        make_article(sections=4)
    section = article.sections.first()
    section.kind = Section.Kind.CAUSES
    section.body += "\n- Cause A\n- Cause B\n- Cause C"
    section.save()
    publish(article)
    assert count_queries(article.get_absolute_url()) == few


def test_a_category_without_a_live_article_is_not_shown_even_by_name(client, make_article):
    hidden = Category.objects.create(name="Hidden draft category", slug="hidden-draft")
    make_article(published=False, category=hidden)
    make_article(category=hidden, live_from=timezone.now() + timedelta(days=1))
    for url, query in [(hidden.get_absolute_url(), {}), (INDEX, {"category": hidden.slug})]:
        response = client.get(url, query)
        assert response.status_code == 404
        assert "Hidden draft category" not in response.text


def test_category_page_has_breadcrumbs_and_links_to_its_a_to_z(client, seed_article):
    page = client.get(seed_article.category.get_absolute_url()).content.decode()
    assert '<li class="breadcrumb-item"><a href="/">Home</a></li>' in page
    assert f'href="{INDEX}?category=symptom-database">Symptom Database A\N{EN DASH}Z</a>' in page
