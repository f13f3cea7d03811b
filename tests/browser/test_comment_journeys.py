"""Comment journeys in a real browser: posting, moderation, and bad input; each step named."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment

from .helpers import assert_accessible, login, step

COMMENT = "The shockwave sessions helped my shoulder after three weeks."
LONGEST_COMMENT = 5_000
WRITER = "Robin Newcomer"
EMAIL = "robin.first-time@example.com"  # a first comment from this address waits


@pytest.fixture(autouse=True)
def _people_type_fast(settings):
    """A journey fills the form in well under the seconds that mark a robot's post as spam.

    The live server runs in a thread of this process, so it sees the changed setting.
    """
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0


def comment_form(page):
    return page.get_by_role("form", name="Add a comment")


def fill_comment(page, *, name, email, body):
    form = comment_form(page)
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="Email").fill(email)
    form.get_by_role("textbox", name="Comment").fill(body)
    return form


def test_reader_comment_waits_for_a_moderator_then_everyone_sees_it(
    new_page, demo_accounts, seeded
):
    """Journey 4: a posted comment is shown only to its writer until a moderator approves it
    in the admin's moderation queue; then other readers see it too."""
    writer, other_reader, moderator = new_page(), new_page(), new_page()
    article_url = seeded.get_absolute_url()

    with step("a reader writes a comment under the seed article and posts it"):
        writer.goto(article_url)
        form = fill_comment(writer, name=WRITER, email=EMAIL, body=COMMENT)
        form.get_by_role("button", name="Post comment").click()

    with step('the reader sees "awaiting moderation" and their pending comment'):
        expect(writer).to_have_url(re.compile(re.escape(article_url) + "#comments$"))
        expect(writer.locator(".alert-success")).to_contain_text(
            "your comment is awaiting moderation"
        )
        pending = writer.locator(".own-pending").get_by_role("article", name=f"Comment by {WRITER}")
        expect(pending).to_contain_text(COMMENT)
        expect(pending).to_contain_text("Awaiting moderation")

    with step("another reader, in another browser, does not see the pending comment"):
        other_reader.goto(article_url)
        expect(other_reader.get_by_role("heading", name="Comments")).to_be_visible()
        expect(other_reader.locator("#comments")).not_to_contain_text(COMMENT)

    with step("the moderator signs in and finds the comment in the moderation queue"):
        login(moderator, "moderator")
        moderator.goto(reverse("admin:comments_comment_changelist") + "?status__exact=pending")
        row = moderator.locator("#result_list tbody tr").filter(has_text=COMMENT[:30])
        expect(row).to_have_count(1)

    with step("the moderator approves it with the queue's bulk action"):
        row.get_by_role("checkbox").check()
        moderator.get_by_role("combobox", name="Action").select_option(
            label="Approve selected comments"
        )
        moderator.get_by_role("button", name="Run").click()
        expect(moderator.locator(".messagelist")).to_contain_text("1 comment(s) approved.")
        assert Comment.objects.get(body=COMMENT).status == Comment.Status.APPROVED

    with step("the other reader now sees the comment"):
        other_reader.reload()
        published = other_reader.locator(".comment-list").get_by_role(
            "article", name=f"Comment by {WRITER}"
        )
        expect(published).to_contain_text(COMMENT)


def test_bad_comments_show_field_errors_keep_the_text_and_stay_accessible(new_page, seeded):
    """Journey 6: an empty and an over-long comment are refused with a field error next to the
    comment box, everything typed stays in the form, and the form with errors passes axe."""
    # The refused post answers 400, which the browser logs as a failed resource.
    page = new_page(expected_errors=[r"status of 400 \(Bad Request\)"])
    article_url = seeded.get_absolute_url()

    with step("an entirely empty comment is stopped by the browser before it is sent"):
        page.goto(article_url)
        form = fill_comment(page, name=WRITER, email=EMAIL, body="")
        form.get_by_role("button", name="Post comment").click()
        body = form.get_by_role("textbox", name="Comment")
        assert body.evaluate("box => box.validity.valueMissing"), (
            "the browser sent an empty comment"
        )
        expect(page).to_have_url(re.compile(re.escape(article_url) + "$"))

    with step("a comment of spaces only reaches the server and is refused with a field error"):
        body.fill("    ")
        form.get_by_role("button", name="Post comment").click()
        body = comment_form(page).get_by_role("textbox", name="Comment")
        expect(body).to_have_attribute("aria-invalid", "true")
        expect(body).to_have_accessible_description(re.compile("This field is required."))

    with step("the error summary at the top of the form has the focus and links to the box"):
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        expect(summary.get_by_role("link")).to_contain_text("Comment: This field is required.")
        expect(body).to_have_accessible_description(re.compile("of 5,000 characters"))
        expect(page).to_have_url(re.compile(re.escape(article_url) + "#comment-form-errors$"))

    with step("the name and email typed stay in the form"):
        form = comment_form(page)
        expect(form.get_by_role("textbox", name="Name")).to_have_value(WRITER)
        expect(form.get_by_role("textbox", name="Email")).to_have_value(EMAIL)

    with step("the comment form with errors has no accessibility violations"):
        assert_accessible(page)

    too_long = "Too long. " * (LONGEST_COMMENT // 10) + "!"
    with step("a comment over 5,000 characters, past the box's own limit, is refused"):
        body.evaluate("box => box.removeAttribute('maxlength')")
        body.fill(too_long)
        form.get_by_role("button", name="Post comment").click()
        body = comment_form(page).get_by_role("textbox", name="Comment")
        expect(body).to_have_accessible_description(
            re.compile(f"at most {LONGEST_COMMENT} characters \\(it has {len(too_long)}\\)")
        )

    with step("the over-long text, the name and the email stay in the form"):
        form = comment_form(page)
        assert body.input_value() == too_long
        expect(form.get_by_role("textbox", name="Name")).to_have_value(WRITER)
        expect(form.get_by_role("textbox", name="Email")).to_have_value(EMAIL)

    with step("nothing was stored"):
        assert not Comment.objects.filter(email=EMAIL).exists()
