"""The header search suggests condition names as the reader types (the browser's own list)."""

from playwright.sync_api import expect

from .helpers import step


def test_typing_in_the_header_search_offers_condition_names(page, seeded):
    page.goto("/")
    # With its suggestion list the field is a combobox to assistive technology.
    search = page.get_by_role("combobox", name="Search articles")
    with step("type the start of a condition's name"):
        search.press_sequentially("hetero", delay=40)
        options = page.locator("#site-search-suggestions option")
        expect(options).to_have_count(1)
        expect(options.first).to_have_attribute("value", "Heterotopic calcifications")
    with step("the suggestion searches like any words"):
        search.fill("Heterotopic calcifications")
        search.press("Enter")
        expect(page.get_by_role("link", name=seeded.title)).to_be_visible()
