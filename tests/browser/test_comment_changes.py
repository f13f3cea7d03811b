"""Journeys for changing comments, with the keyboard only and axe-core on every form: a reader
reports a published comment; a commenter edits, then withdraws, their pending comment."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment, CommentReport

from .helpers import assert_accessible, step, tab_to

WRITER = "Kim Keyboard"


@pytest.fixture(autouse=True)
def _people_type_fast(settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0


def test_a_reader_reports_a_comment_with_the_keyboard_only(new_page, seeded):
    unsafe = Comment.objects.create(
        article=seeded,
        name="Risky Rob",
        email="rob@example.com",
        body="Just double your dose, it always works.",
        status=Comment.Status.APPROVED,
    )
    seeded.__class__.objects.filter(pk=seeded.pk).comments_changed()
    page = new_page()

    with step("the reader finds the Report link of the comment and follows it with Enter"):
        page.goto(seeded.get_absolute_url() + "#comments")
        report = page.get_by_role("link", name="Report the comment by Risky Rob")
        tab_to(page, report)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Report a comment")).to_be_visible()
        assert_accessible(page)

    with step("choosing a reason and sending the report, from the keyboard"):
        first_reason = page.get_by_role("radio", name="Unsafe medical advice")
        tab_to(page, first_reason)
        page.keyboard.press("Space")
        expect(first_reason).to_be_checked()
        page.keyboard.press("Tab")
        page.keyboard.type("It tells people to change their dose.")
        tab_to(page, page.get_by_role("button", name="Send the report"))
        page.keyboard.press("Enter")

    with step("the reader is back under the comments, thanked, with the focus on the thanks"):
        notice = page.locator("[data-comment-notice]")
        expect(notice).to_contain_text("Thank you for your report")
        expect(notice).to_be_focused()
        report = CommentReport.objects.get(comment=unsafe)
        assert (report.reason, report.note) == (
            "unsafe-advice",
            "It tells people to change their dose.",
        )


def test_a_commenter_edits_then_withdraws_a_pending_comment_with_the_keyboard(new_page, seeded):
    page = new_page()

    with step("the commenter posts a first comment, which waits for a moderator"):
        page.goto(seeded.get_absolute_url())
        form = page.get_by_role("form", name="Add a comment")
        form.get_by_role("textbox", name="Name").fill(WRITER)
        form.get_by_role("textbox", name="Email").fill("kim@example.com")
        form.get_by_role("textbox", name="Comment").fill("My shoulder hurt for weeks.")
        form.get_by_role("button", name="Post comment").click()
        expect(page.locator(".own-pending")).to_contain_text("My shoulder hurt for weeks.")

    with step("Edit, from the keyboard, opens the text in a form that passes axe"):
        tab_to(page, page.get_by_role("link", name="Edit your comment"))
        page.keyboard.press("Enter")
        box = page.get_by_role("textbox", name="Comment")
        expect(box).to_have_value("My shoulder hurt for weeks.")
        assert_accessible(page)

    with step("the changed text is saved with Enter on the button"):
        tab_to(page, box)
        page.keyboard.press("Control+A")
        page.keyboard.type("My shoulder hurt for six weeks.")
        tab_to(page, page.get_by_role("button", name="Save the change"))
        page.keyboard.press("Enter")
        expect(page.locator("[data-comment-notice]")).to_contain_text(
            "Your comment is changed and waits for a moderator."
        )
        expect(page.locator(".own-pending")).to_contain_text("My shoulder hurt for six weeks.")

    with step("Withdraw, from the keyboard, asks first, then takes the comment back"):
        tab_to(page, page.get_by_role("link", name="Withdraw your comment"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Withdraw your comment?")).to_be_visible()
        assert_accessible(page)
        tab_to(page, page.get_by_role("button", name="Withdraw the comment"))
        page.keyboard.press("Enter")
        expect(page.locator("[data-comment-notice]")).to_contain_text("Your comment is withdrawn.")
        expect(page).to_have_url(re.compile("#comments$"))
        comment = Comment.objects.get(email="kim@example.com")
        assert comment.withdrawn_at is not None
        assert comment.revisions.get().body == "My shoulder hurt for weeks."
