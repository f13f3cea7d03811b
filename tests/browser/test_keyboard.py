"""Keyboard-only use: every control is reachable with Tab, works with Enter, and shows focus."""

import re

from playwright.sync_api import expect

from .helpers import FOCUS_OUTLINE, focus_outline, step, tab_to


def test_keyboard_reader_skips_to_the_content_and_uses_the_table_of_contents(page, seeded):
    """Journey 7 (skip link and table of contents): Tab and Enter, with a visible focus outline."""
    page.goto(seeded.get_absolute_url())

    skip_link = page.get_by_role("link", name="Skip to main content")
    with step("the skip link is hidden until focused"):
        assert skip_link.bounding_box()["width"] <= 1

    with step("the first Tab shows the skip link, with a focus outline"):
        page.keyboard.press("Tab")
        expect(skip_link).to_be_focused()
        expect(skip_link).to_be_in_viewport()
        assert skip_link.bounding_box()["width"] > 50
        assert focus_outline(skip_link) == FOCUS_OUTLINE

    with step("Enter on the skip link moves the focus to the main content"):
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile("#main$"))
        expect(page.locator("main#main")).to_be_focused()

    with step('Tab reaches the table of contents\' "Treatment Options" link, outlined'):
        link = page.get_by_role("navigation", name="On this page").get_by_role(
            "link", name="Treatment Options"
        )
        tab_to(page, link)
        expect(link).to_be_in_viewport()
        assert focus_outline(link) == FOCUS_OUTLINE

    with step("Enter on the link jumps to the Treatment Options section"):
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile("#treatment-options$"))
        expect(
            page.get_by_role("heading", name="Treatment Options", exact=True)
        ).to_be_in_viewport()

    with step("the next Tab continues after the section, not from the top of the page"):
        page.keyboard.press("Tab")
        assert page.locator("section#treatment-options").evaluate(
            """section => Boolean(
                section.compareDocumentPosition(document.activeElement)
                & Node.DOCUMENT_POSITION_FOLLOWING
            )"""
        )
