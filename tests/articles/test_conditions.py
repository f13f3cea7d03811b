"""Conditions as names readers look for: derived on import, corrected by editors, filed in the
A-Z with their other names as cross-references, and named in the structured data."""

import importlib
import json
import math
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import given
from hypothesis import strategies as st

from articles.conditions import MAX_LENGTH, alternative_names_from, condition_from
from articles.models import Article, PublishedVersion
from tests.factories import publish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "headings", "condition"),
    [
        (
            "What are the causes and treatment options for heterotopic calcifications?",
            [],
            "Heterotopic calcifications",
        ),
        (
            "What are the signs of iron-deficiency anaemia, and how is it treated?",
            [],
            "Iron-deficiency anaemia",
        ),
        (
            "What causes heel pain from plantar fasciitis, and how is it treated?",
            [],
            "Plantar fasciitis",
        ),
        ("What is tinnitus?", [], "Tinnitus"),
        ("Why do migraines happen, and what helps?", [], "Migraines"),
        ("What are the symptoms of type 2 diabetes in children?", [], "Type 2 diabetes"),
        ("What helps with ringing in the ears?", [], "Ringing in the ears"),
        ("How is gout treated?", [], "Gout"),
        (
            "Why does my heel hurt in the morning?",
            ["Overview", "Causes of Plantar Fasciitis"],
            "Plantar Fasciitis",
        ),
        ("Is it normal to feel dizzy?", ["Overview"], "Is it normal to feel dizzy"),
    ],
)
def test_the_condition_comes_from_the_title_then_the_headings(title, headings, condition):
    assert condition_from(title, headings) == condition


def test_other_names_come_from_also_known_as_in_the_intro():
    intro = (
        "Tinnitus, also known as ringing in the ears, is common. It is also called "
        "phantom noise or head noise."
    )
    assert alternative_names_from(intro, "Tinnitus").splitlines() == [
        "Ringing in the ears",
        "Phantom noise",
        "Head noise",
    ]


@given(st.text(max_size=300), st.lists(st.text(max_size=80), max_size=5))
def test_any_title_gives_a_name_that_fits(title, headings):
    name = condition_from(title, headings)
    assert len(name) <= MAX_LENGTH
    assert name.strip() == name


def test_the_importer_names_the_condition_and_its_other_name(seed_article):
    seed_article.refresh_from_db()
    assert seed_article.condition == "Heterotopic calcifications"
    assert seed_article.alternative_names == "Ectopic calcifications"


def test_a_reimport_keeps_the_name_an_editor_corrected(seed_article, seed_bytes, tmp_path):
    Article.objects.filter(pk=seed_article.pk).update(
        condition="Heterotopic ossification", alternative_names="Myositis ossificans"
    )
    path = tmp_path / "seed.txt"
    path.write_bytes(seed_bytes.replace(b"Trauma or injury", b"Trauma, or an injury"))
    call_command("import_articles", str(path))
    seed_article.refresh_from_db()
    assert seed_article.condition == "Heterotopic ossification"
    assert seed_article.alternative_names == "Myositis ossificans"


def test_the_a_to_z_files_the_condition_and_cross_references_its_other_names(client, seed_article):
    under_h = client.get("/articles/", {"letter": "H"}).content.decode()
    assert "Heterotopic calcifications</a>" in under_h
    under_e = client.get("/articles/", {"letter": "E"}).content.decode()
    assert re.search(
        r"Ectopic calcifications <span[^>]*>→ see</span> "
        rf'<a href="{seed_article.get_absolute_url()}">Heterotopic calcifications</a>',
        under_e,
    )
    assert '<a href="?letter=E">E</a>' in client.get("/articles/").content.decode()
    assert "Ectopic calcifications" not in under_h  # filed under its own letter only


def test_structured_data_names_the_condition_and_its_alternate_names(client, seed_article):
    page = client.get(seed_article.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S).group(1)
    )
    about = data["about"] if "about" in data else data["@graph"][0]["about"]
    assert about["@type"] == "MedicalCondition"
    assert about["name"] == "Heterotopic calcifications"
    assert about["alternateName"] == ["Ectopic calcifications"]


def test_search_finds_the_article_by_its_other_name(client, seed_article):
    page = client.get("/search/", {"q": "ectopic calcifications"}).content.decode()
    assert seed_article.title in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_articles_that_had_no_condition(make_article):
    article = make_article(title="What are the signs of iron-deficiency anaemia?")
    Article.objects.filter(pk=article.pk).update(condition="", alternative_names="")
    PublishedVersion.objects.filter(article=article).update(condition="", alternative_names="")
    migration = importlib.import_module("articles.migrations.0017_condition_names")
    state = MigrationExecutor(connection).loader.project_state(("articles", "0017_condition_names"))
    with connection.schema_editor() as schema_editor:
        migration.fill_names(state.apps, schema_editor)
    article.refresh_from_db()
    assert article.condition == "Iron-deficiency anaemia"
    version = PublishedVersion.objects.live().get(article=article)
    assert version.condition == "Iron-deficiency anaemia"
    publish(article, note="Reviewed again")
    assert PublishedVersion.objects.live().get(article=article).index_name == (
        "Iron-deficiency anaemia"
    )


def test_the_header_search_suggests_condition_names_as_json(client, seed_article, make_article):
    make_article(title="What is a hidden draft?", published=False, condition="Heel spur")
    response = client.get("/search/conditions/", {"q": "he"})
    assert response.status_code == 200
    assert response.json() == {"names": ["Heterotopic calcifications"]}
    assert "public" in response["Cache-Control"]
    assert client.get("/search/conditions/", {"q": "ecto"}).json() == {
        "names": ["Ectopic calcifications"]
    }
    assert client.get("/search/conditions/", {"q": "h"}).json() == {"names": []}
    too_long = client.get("/search/conditions/", {"q": "x" * 201})
    assert too_long.status_code == 400
    assert client.get("/search/conditions/", {"q": ["a", "b"]}).status_code == 400
    page = client.get("/").content.decode()
    assert 'data-suggest="/search/conditions/"' in page


def test_other_names_are_stored_as_written_not_as_markdown(tmp_path):
    source = (
        "What is Crohn's disease?\n\nSymptom Database\n\n"
        "Crohn's disease, also known as regional enteritis & ileitis, inflames the gut.\n\n"
        "Causes\n\nSome causes:\n\n- Genes: they play a part.\n\n"
        "Li Wei, MD\nRate author\nRiverside Neurology Associates, Portland, OR\nAdd a comment\n"
    )
    path = tmp_path / "crohns.txt"
    path.write_text(source)
    call_command("import_articles", str(path))
    article = Article.objects.get(title="What is Crohn's disease?")
    assert article.condition == "Crohn's disease"
    assert article.alternative_names == "Regional enteritis & ileitis"


def test_each_a_to_z_page_lists_the_other_names_among_its_own_articles(client, make_article):
    """However many articles have other names, a page of the A-Z lists only those that sort
    between its first article and the next page's, and every other name is on one page."""
    per_page = settings.ARTICLES_PER_PAGE
    count = per_page * 2 + 3
    for number in range(1, count + 1):
        make_article(
            condition=f"Condition {number:03}",
            alternative_names=f"Condition {number:03} (other name)\nAlias {number:03}",
        )
    make_article(condition="Zoster", alternative_names="Aardvark fever\nZygote syndrome")

    def names_on(page, **params):
        html = client.get("/articles/", {"page": page, **params}).content.decode()
        return re.findall(r'<li class="mb-2">([^<]+) <span[^>]*>→ see</span>', html)

    pages = [names_on(page) for page in (1, 2, 3)]
    # Other names starting with A sort before every condition: the first page lists them.
    assert pages[0] == [
        "Aardvark fever",
        *(f"Alias {n:03}" for n in range(1, count + 1)),
        *(f"Condition {n:03} (other name)" for n in range(1, per_page + 1)),
    ]
    assert pages[1] == [
        f"Condition {n:03} (other name)" for n in range(per_page + 1, per_page * 2 + 1)
    ]
    assert pages[2] == [
        *(f"Condition {n:03} (other name)" for n in range(per_page * 2 + 1, count + 1)),
        "Zygote syndrome",
    ]
    # A letter's own pages divide its other names the same way.
    under_c = [names_on(page, letter="C") for page in (1, 2, 3)]
    assert [name for names in under_c for name in names] == [
        f"Condition {n:03} (other name)" for n in range(1, count + 1)
    ]
    assert all(len(names) <= per_page for names in under_c)


@pytest.fixture(params=["the database's own", "ICU English"])
def collation(request, db):
    """The A-Z under the test database's collation, and on PostgreSQL also under ICU's English
    one (which sorts "é" with "e"), as a site's database may be created with."""
    if request.param == "ICU English":
        if connection.vendor != "postgresql":
            pytest.skip("collations are PostgreSQL's (the PostgreSQL pass runs this)")
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE articles_publishedversion"
                ' ALTER COLUMN title TYPE varchar(200) COLLATE "en-x-icu",'
                ' ALTER COLUMN condition TYPE varchar(120) COLLATE "en-x-icu"'
            )  # undone with the test's transaction
    return request.param


def test_every_other_name_is_on_exactly_one_page_of_the_a_to_z(client, make_article, collation):
    """Accents, capitals and spaces, which collations order differently (some ignore spaces,
    some sort "é" with "e"), still put each other name on exactly one page."""
    conditions = [
        "Heart attack", "Heartburn", "Heart failure", "Ménière's disease", "Meningitis",
        "Memory loss", "Éczema", "Eczema herpeticum", "Eye strain", "Ángel wing", "Anaemia",
        "Zoster", "Öesophagitis", "Oedema", "Mumps", "Migraine", "Hay fever", "Hépatite",
        "Ébola", "Abscess", "Acne", "Mal de débarquement", "Malaria", "Ångström lines",
    ]  # fmt: skip
    others = []
    for number, condition in enumerate(conditions):
        names = [f"{condition} {suffix}" for suffix in ("(also)", "bis")] + [f"É{number:02}"]
        others.extend(names)
        make_article(condition=condition, alternative_names="\n".join(names))

    pages = []
    for number in range(1, math.ceil(len(conditions) / settings.ARTICLES_PER_PAGE) + 1):
        context = client.get("/articles/", {"page": number}).context
        articles = [article.az_name for article in context["object_list"]]
        names = [reference["name"] for reference in context["cross_references"]]
        pages.append((articles, names))
    # Character by character, whatever the database's collation: the same A-Z everywhere.
    listed = [name for articles, _ in pages for name in articles]
    assert listed == sorted(conditions, key=str.lower)
    # Each other name once, on the page whose articles it sorts among.
    assert sorted(name for _, names in pages for name in names) == sorted(others)
    for number, (articles, names) in enumerate(pages):
        after = articles[0].lower() if number else ""
        before = pages[number + 1][0][0].lower() if number + 1 < len(pages) else "\U0010ffff"
        assert all(after <= name.lower() < before for name in names), (articles, names)
