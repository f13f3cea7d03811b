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


def test_keyboard_reader_rates_the_author(page, seeded):
    """Journey 7 (rating widget): Tab to the stars, Space and arrow keys choose, Enter on the
    button sends; every focused control shows the focus outline."""
    author = seeded.author
    page.goto(seeded.get_absolute_url())
    group = page.get_by_role("group", name=f"Rate {author.name}")

    with step("Tab reaches the first star choice, outlined"):
        five = group.get_by_role("radio", name="5 stars")
        tab_to(page, five)
        assert focus_outline(five) == FOCUS_OUTLINE

    with step("Space chooses 5 stars, the down arrow moves the choice to 4 stars"):
        page.keyboard.press("Space")
        expect(five).to_be_checked()
        page.keyboard.press("ArrowDown")
        four = group.get_by_role("radio", name="4 stars")
        expect(four).to_be_focused()
        expect(four).to_be_checked()
        assert focus_outline(four) == FOCUS_OUTLINE

    with step("Tab reaches the Rate author button, outlined"):
        button = page.get_by_role("button", name="Rate author")
        tab_to(page, button)
        assert focus_outline(button) == FOCUS_OUTLINE

    with step("Enter on the button sends the rating of 4 stars"):
        page.keyboard.press("Enter")
        expect(group).to_contain_text("Your rating: 4 of 5.")
        expect(page.locator("[data-rating-status]")).to_contain_text(
            f"you rated {author.name} 4 of 5"
        )


def test_keyboard_reader_writes_and_posts_a_comment(page, seeded, settings):
    """Journey 7 (comment form): Tab into each field and type, Enter on the button posts; every
    focused control shows the focus outline."""
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # the live server's thread sees it too
    page.goto(seeded.get_absolute_url())
    form = page.get_by_role("form", name="Add a comment")
    fields = {
        "Name": "Kim Keyboard",
        "Email": "kim.keyboard@example.com",
        "Comment": "Written and posted without a mouse.",
    }

    for label, text in fields.items():
        with step(f"Tab reaches the {label} field, outlined, and takes the typed text"):
            field = form.get_by_role("textbox", name=label)
            tab_to(page, field)
            assert focus_outline(field) == FOCUS_OUTLINE
            page.keyboard.type(text)
            expect(field).to_have_value(text)

    with step("Tab reaches the Post comment button, outlined"):
        button = form.get_by_role("button", name="Post comment")
        tab_to(page, button)
        assert focus_outline(button) == FOCUS_OUTLINE

    with step("Enter on the button posts the comment, which awaits moderation"):
        page.keyboard.press("Enter")
        expect(page.locator(".alert-success")).to_contain_text(
            "your comment is awaiting moderation"
        )
        expect(page.locator(".own-pending")).to_contain_text(fields["Comment"])
