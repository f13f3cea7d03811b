"""References, citation markers, review dates on the page, and sanitising dangerous Markdown."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Reference, Section
from articles.references import link_citations
from tests.factories import publish

from .helpers import article_post_data, change_url, preview_url

pytestmark = pytest.mark.django_db


def add_references(article, count):
    Reference.objects.bulk_create(
        Reference(
            article=article,
            position=number,
            text=f"Source number {number}.",
            url=f"https://example.org/{number}",
            doi="10.1000/xyz" if number == 1 else "",
            pubmed_id="31452104" if number == 1 else "",
            accessed=date(2026, 1, 2),
        )
        for number in range(1, count + 1)
    )


def test_citation_markers_link_to_the_numbered_references(client, make_article):
    article = make_article(sections=1, published=False)
    section = article.sections.get()
    section.body = (
        "Rest helps [1], and so does ice [2]. `code [3]` and [a link [4]](https://x.org)."
    )
    section.save()
    add_references(article, 2)
    body_html = publish(article).sections[0]["body_html"]
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<sup><a href="#ref-1" rel="noopener noreferrer">[1]</a></sup>' in body_html
    assert '<a href="#ref-2"' in body_html
    assert "<code>code [3]</code>" in body_html
    assert "#ref-4" not in body_html
    assert body_html in page
    assert '<li id="ref-1" value="1">Source number 1.' in page
    assert 'href="https://doi.org/10.1000/xyz"' in page
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/31452104/"' in page
    assert page.index('id="ref-2"') > page.index("Heading 1</h2>")


def test_link_citations_leaves_zero_and_text_without_markers_alone():
    assert link_citations("<p>[0] and [x] and a[1]</p>") == (
        '<p>[0] and [x] and a<sup><a href="#ref-1">[1]</a></sup></p>'
    )


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/"],
)
def test_a_reference_url_must_be_a_web_link(make_article, url):
    reference = Reference(article=make_article(), position=1, text="A source", url=url)
    with pytest.raises(ValidationError) as error:
        reference.full_clean()
    assert "url" in error.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        reference.save()


def test_admin_refuses_a_javascript_reference_url_and_saves_nothing(author_client, own_draft):
    data = article_post_data(own_draft)
    data |= {
        "references-TOTAL_FORMS": "1",
        "references-0-position": "1",
        "references-0-text": "A source",
        "references-0-url": "javascript:alert(document.cookie)",
        "title": "Changed title?",
    }
    response = author_client.post(change_url(own_draft), data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    own_draft.refresh_from_db()
    assert own_draft.title == "Ada own draft?"
    assert not Reference.objects.exists()


def test_author_adds_references_in_the_admin(author_client, own_draft):
    data = article_post_data(own_draft)
    data |= {
        "references-TOTAL_FORMS": "1",
        "references-0-position": "1",
        "references-0-text": "NICE guideline NG1",
        "references-0-url": "https://www.nice.org.uk/",
        "references-0-doi": "10.1000/abc",
    }
    response = author_client.post(change_url(own_draft), data)
    assert response.status_code == 302
    assert own_draft.references.get().text == "NICE guideline NG1"


DANGEROUS_MARKDOWN = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<iframe src="https://evil.example"></iframe>',
    "<img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">click</a>',
    "<svg onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[ref]: javascript:alert(1)\n\n[click][ref]",
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<style>body{display:none}</style><link rel=stylesheet href="https://evil.example">',
    '[x](https://ok.example "title" onmouseover=alert(1))',
]
DANGEROUS_TAGS = {"script", "iframe", "img", "svg", "object", "embed", "form", "input", "meta"}
DANGEROUS_TAGS |= {"style", "link", "base", "frame"}


class ElementCollector(HTMLParser):
    """The real elements and attributes of some HTML (escaped text is not an element)."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def dangers(html):
    """Every element or attribute in ``html`` that could run script or load something."""
    found = []
    for tag, attrs in ElementCollector(html).elements:
        if tag in DANGEROUS_TAGS:
            found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name in {"style", "src", "srcset", "action"}:
                found.append(f"{tag}[{name}]")
            if name == "href" and not re.match(r"^(https?:|mailto:|#|/)", value or ""):
                found.append(f"{tag}[href={value}]")
    return found


@pytest.mark.parametrize("markdown", DANGEROUS_MARKDOWN)
def test_dangerous_markdown_never_reaches_the_page(client, make_article, markdown):
    article = make_article(sections=1, published=False)
    section = article.sections.get()
    section.body = f"Before.\n\n{markdown}\n\nAfter."
    section.save()
    article.intro = markdown
    article.save()
    version = publish(article)
    assert dangers(version.sections[0]["body_html"]) == [], version.sections
    assert dangers(version.intro_html) == [], version.intro_html
    page = client.get(article.get_absolute_url()).content.decode()
    start, end = page.index('<div class="article-intro'), page.index('<aside class="disclaimer')
    assert dangers(page[start:end]) == []
    assert "After." in page


def test_the_danger_check_finds_real_elements():
    """The checker above is not vacuous: it reports live script, handlers and links."""
    html = '<script>x</script><a href="javascript:x" onclick="y">z</a><p style="a">b</p>'
    assert dangers(html) == ["script", "a[href=javascript:x]", "a[onclick]", "p[style]"]


def test_dangerous_markdown_pasted_in_the_admin_is_stored_but_rendered_inert(
    author_client, own_draft
):
    data = article_post_data(own_draft)
    data["sections-0-body"] = '<script>alert(1)</script> <a href="javascript:x">y</a>'
    assert author_client.post(change_url(own_draft), data).status_code == 302
    assert Section.objects.get(article=own_draft, position=1).body.startswith("<script>")
    preview = author_client.get(preview_url(own_draft)).content.decode()
    assert (
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;a href="javascript:x"&gt;y&lt;/a&gt;</p>'
        in preview
    )


@override_settings(REVIEW_INTERVAL_MONTHS=6)
def test_page_shows_the_reviewer_and_review_dates(client, editor_user, reviewed_article, reviewer):
    workflow.sign_off_review(
        reviewed_article, by=editor_user, reviewer=reviewer, reviewed_on=date(2026, 8, 31)
    )
    workflow.publish(reviewed_article, by=editor_user, note="First version")
    page = client.get(reviewed_article.get_absolute_url()).content.decode()
    assert "Medically reviewed by <a" in page
    assert "Rita Reviewer, MD</a>" in page
    assert 'Last reviewed <time datetime="2026-08-31">31 August 2026</time>' in page
    assert 'Next review due <time datetime="2027-02-28">28 February 2027</time>' in page


def test_article_page_query_count_does_not_grow_with_references_or_changes(
    client, make_article, django_assert_max_num_queries
):
    small = make_article(sections=2, published=False)
    large = make_article(sections=2, published=False)
    add_references(small, 2)
    add_references(large, 40)
    publish(small, note="Only change")
    for number in range(12):
        Section.objects.filter(article=large, position=1).update(body=f"Text {number}")
        publish(large, note=f"Change {number}")
    with django_assert_max_num_queries(12) as small_queries:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12) as large_queries:
        page = client.get(large.get_absolute_url()).content.decode()
    assert 'id="ref-40"' in page
    assert "Change 11" in page
    assert "Change 0" in page
    assert len(small_queries.captured_queries) == len(large_queries.captured_queries)


def test_editors_list_of_articles_due_for_review_is_oldest_first(
    editor_client, author_client, make_article
):
    make_article(title="Reviewed a while ago?", reviewed_on=date(2022, 1, 1))
    make_article(title="Reviewed long ago?", reviewed_on=date(2020, 1, 1))
    make_article(title="Fresh review?", reviewed_on=timezone.localdate())
    make_article(title="Old draft?", published=False)
    url = reverse("admin:articles_articledueforreview_changelist")
    page = editor_client.get(url).content.decode()
    titles = re.findall(r"(Reviewed long ago|Reviewed a while ago|Fresh|Old draft)", page)
    assert titles == ["Reviewed long ago", "Reviewed a while ago"]
    assert author_client.get(url).status_code == 403
    # The editors' dashboard lists them too.
    dashboard = editor_client.get(reverse("admin:index")).content.decode()
    assert "Due for a new review (2)" in dashboard


def test_the_page_reads_text_references_review_then_what_changed(client, make_article):
    article = make_article(sections=1, published=False)
    add_references(article, 1)
    publish(article)
    page = client.get(article.get_absolute_url()).content.decode()
    parts = ["article-intro", "article-section", "article-references", "article-review"]
    places = [page.index(f'class="{part}"') for part in [*parts, "article-changelog"]]
    assert places == sorted(places)
