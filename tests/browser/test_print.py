"""The printed article, under the browser's print media emulation: the article, its byline,
review dates, references and disclaimer, the page's address and the print date; no rating
widget, related links, comments or buttons. Urgent advice keeps its callout on paper."""

import pytest
from playwright.sync_api import expect

from articles.models import Article

from .helpers import step


@pytest.fixture
def migraine(seeded):
    return Article.objects.get(slug__startswith="why-do-migraines")


def test_print_shows_the_article_with_its_address_and_date_and_nothing_else(new_page, migraine):
    page = new_page()
    page.goto(migraine.get_absolute_url())
    with step("the Print button appears with JavaScript, on screen only"):
        print_button = page.get_by_role("button", name="Print this page")
        expect(print_button).to_be_visible()
        expect(page.locator(".print-meta")).to_be_hidden()

    with step("print media: the article and what a reader keeps"):
        page.emulate_media(media="print")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator(".byline-name")).to_be_visible()
        expect(page.locator(".disclaimer")).to_be_visible()
        meta = page.locator(".print-meta")
        expect(meta).to_be_visible()
        expect(meta).to_contain_text("Printed from http")
        expect(meta).to_contain_text(migraine.get_absolute_url())
        expect(meta).to_contain_text(" on ")

    with step("print media: no widgets, links lists, comments or buttons"):
        for selector in (".byline-rating", ".related-articles", ".comments", ".toc", "form"):
            for element in page.locator(selector).all():
                expect(element).to_be_hidden()
        expect(print_button).to_be_hidden()
        expect(page.get_by_role("navigation", name="Site")).to_be_hidden()

    with step("print media: urgent advice is still a framed callout"):
        callout = page.get_by_role("region", name="Urgent advice: When a Headache Is an Emergency")
        expect(callout).to_be_visible()
        border = callout.evaluate("element => getComputedStyle(element).borderTopStyle")
        assert border == "solid"


def test_without_javascript_there_is_no_print_button_but_the_address_prints(new_page, migraine):
    page = new_page(java_script_enabled=False)
    page.goto(migraine.get_absolute_url())
    expect(page.get_by_role("button", name="Print this page")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.locator(".print-meta")).to_contain_text(migraine.get_absolute_url())


def test_a_script_part_that_fails_leaves_the_others_working(new_page, migraine):
    """The site's one script runs its parts one by one: in a browser without
    ``Element.after``, name suggestions fail and the Print button still appears."""
    page = new_page(expected_errors=[r"after is not a function"])
    page.add_init_script("Element.prototype.after = undefined;")
    page.goto(migraine.get_absolute_url())
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    expect(page.locator("#site-search-suggestions")).to_have_count(0)
