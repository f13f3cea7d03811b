"""JSON-LD on the article page: valid, complete for the seed article, and impossible to escape."""

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.structured_data import iso_seconds, json_ld_script
from authors.models import Affiliation, Author, AuthorAffiliation
from tests.factories import import_seed

pytestmark = pytest.mark.django_db


class ScriptCollector(HTMLParser):
    """Collect the script elements of a page as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__()
        self.scripts = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._current = {"attrs": dict(attrs), "text": ""}

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.scripts.append(self._current)
            self._current = None


def scripts_of(page):
    parser = ScriptCollector()
    parser.feed(page)
    return parser.scripts


def json_ld_of(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    blocks = [s for s in scripts_of(page) if s["attrs"].get("type") == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads(blocks[0]["text"])


def names(entries):
    return [entry["name"] for entry in entries]


def test_seed_article_json_ld_names_its_four_causes_and_four_treatments(client, seed_article):
    data = json_ld_of(client, seed_article)
    assert data["@context"] == "https://schema.org"
    page, breadcrumbs = data["@graph"]
    assert page["@type"] == "MedicalWebPage"
    condition = page["about"]
    assert condition["@type"] == "MedicalCondition"
    assert names(condition["cause"]) == [
        "Genetic predisposition",
        "Trauma or injury",
        "Underlying medical conditions",
        "Medications",
    ]
    assert names(condition["possibleTreatment"]) == [
        "Physical therapy",
        "Medications",
        "Extracorporeal shockwave therapy",
        "Calcitonin injections",
    ]
    assert "Joint stiffness" in names(condition["signOrSymptom"])
    assert names(condition["primaryPrevention"])[0] == "Regular exercise"
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == [
        "Home",
        "Symptom Database",
        seed_article.title,
    ]


def test_seed_article_json_ld_has_dates_description_and_a_credentialed_author(client, seed_bytes):
    article = import_seed(seed_bytes, reviewed_on=date(2026, 3, 14))
    version = article.published_versions.get()
    page = json_ld_of(client, article)["@graph"][0]
    assert page["headline"] == article.title
    assert page["description"].startswith("Heterotopic calcifications, also known as")
    assert page["datePublished"] == iso_seconds(version.first_published_at)
    assert page["dateModified"] == iso_seconds(version.live_from)
    assert page["datePublished"].endswith("+00:00")
    assert "." not in page["datePublished"]  # whole seconds, as validators expect
    assert page["lastReviewed"] == "2026-03-14"
    author = page["author"]
    assert author["@type"] == "Person"
    assert author["name"] == "Haroon Rashid"
    assert author["honorificSuffix"] == "MD"
    assert author["affiliation"] == {
        "@type": "Organization",
        "name": "Urgent Care Center of Arlington",
        "address": {"@type": "PostalAddress", "addressRegion": "VA"},
    }


def test_script_end_tag_in_article_text_cannot_break_out(client, make_article):
    title = "What is </script><script>alert(1)</script> <!-- syndrome?"
    article = make_article(
        title=title,
        condition="</SCRIPT >Evil & co",
        extra_sections=[("Causes", "- **</script>Bad:** text", "causes")],
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    scripts = scripts_of(page)
    # Only our own scripts: the JSON-LD block, then static files with no inline code.
    assert scripts[0]["attrs"].get("type") == "application/ld+json"
    for script in scripts[1:]:
        assert script["attrs"].get("src", "").startswith("/static/")
        assert script["text"].strip() == ""
    data = json.loads(scripts[0]["text"])
    assert data["@graph"][0]["headline"] == title
    assert data["@graph"][0]["about"]["name"] == "</SCRIPT >Evil & co"
    assert names(data["@graph"][0]["about"]["cause"]) == ["</script>Bad"]
    assert "<script>alert(1)" not in page


def test_json_ld_block_is_data_not_inline_script(client, seed_article):
    page = client.get(seed_article.get_absolute_url()).content.decode()
    inline = [
        s
        for s in scripts_of(page)
        if "src" not in s["attrs"] and s["attrs"].get("type") != "application/ld+json"
    ]
    assert inline == []
    assert re.search(r"\son[a-z]+=", page) is None


def test_home_page_describes_the_site_and_its_search(client, seed_article):
    page = client.get("/").content.decode()
    [block] = [s for s in scripts_of(page) if s["attrs"].get("type") == "application/ld+json"]
    data = json.loads(block["text"])
    assert data["@type"] == "WebSite"
    target = data["potentialAction"]["target"]["urlTemplate"]
    assert target == "http://testserver/search/?q={search_term}"


def test_json_ld_names_the_medical_reviewer_not_the_author(client, seed_bytes, reviewer):
    """reviewedBy is the clinician who signed the article off, with their credentials."""
    article = import_seed(seed_bytes, reviewer=reviewer)
    page = json_ld_of(client, article)["@graph"][0]
    assert page["reviewedBy"]["name"] == "Rita Reviewer"
    assert page["reviewedBy"]["honorificSuffix"] == "MD"
    assert page["author"]["name"] == "Haroon Rashid"


def test_byline_and_json_ld_give_each_clinician_their_own_primary_place(
    client, make_article, reviewer
):
    """The author's and the reviewer's places are read with the version: each gets their own
    primary affiliation, and a place that is not primary is nobody's byline."""
    nearby = Affiliation.objects.create(name="Nearby Surgery", city="York")
    teaching = Affiliation.objects.create(name="Teaching Hospital", city="Hull", country="UK")
    AuthorAffiliation.objects.create(author=reviewer, affiliation=nearby)
    AuthorAffiliation.objects.create(author=reviewer, affiliation=teaching, is_primary=True)
    article = make_article(reviewer=reviewer)
    page = client.get(article.get_absolute_url()).content.decode()
    graph = json.loads(scripts_of(page)[0]["text"])["@graph"][0]
    assert graph["author"]["affiliation"]["name"] == "General Clinic"
    assert graph["reviewedBy"]["affiliation"] == {
        "@type": "Organization",
        "name": "Teaching Hospital",
        "address": {"@type": "PostalAddress", "addressLocality": "Hull", "addressCountry": "UK"},
    }
    assert '<p class="byline-affiliation">General Clinic, Leeds, West Yorks</p>' in page
    assert "Nearby Surgery" not in page

    # An author with no primary place: no byline place, none in the JSON-LD.
    unplaced = Author.objects.create(name="Una Placeless", slug="una-placeless")
    AuthorAffiliation.objects.create(author=unplaced, affiliation=nearby)
    page = client.get(make_article(author=unplaced, reviewer=reviewer).get_absolute_url())
    text = page.content.decode()
    graph = json.loads(scripts_of(text)[0]["text"])["@graph"][0]
    assert "affiliation" not in graph["author"]
    assert graph["reviewedBy"]["affiliation"]["name"] == "Teaching Hospital"
    assert "byline-affiliation" not in text
    assert "Nearby Surgery" not in text


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_any_text_in_the_json_ld_block_reads_back_as_it_was_and_cannot_end_it(data):
    """Whatever the text (markup, "<!--", "&", dashes, any plane of Unicode), the block holds
    it as JSON data that reads back the same, and holds no "<", ">" or "&" a browser would
    take for the end of the script or the start of a comment."""
    element = str(json_ld_script(data))
    start, end = '<script type="application/ld+json">', "</script>"
    assert element.startswith(start)
    assert element.endswith(end)
    content = element[len(start) : -len(end)]
    assert not {"<", ">", "&"} & set(content)
    assert json.loads(content) == data
