"""Editor journeys through the real admin in a browser, each step named."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from .helpers import login, step

NEW_SENTENCE = "Most people need several sessions a few weeks apart."


def test_editor_edits_a_section_previews_the_draft_and_publishes_it(
    new_page, demo_accounts, seeded
):
    """Journey 5 (editor part): an admin edit is previewed as a draft, then published to readers."""
    editor, reader = new_page(), new_page()
    article_url = seeded.get_absolute_url()

    with step("the editor signs in to the admin"):
        login(editor, "editor")

    with step("the editor adds a sentence to Treatment Options and saves the article as a draft"):
        editor.goto(reverse("admin:articles_article_change", args=[seeded.pk]))
        heading = editor.locator("input[name$='-heading'][value='Treatment Options']")
        prefix = heading.get_attribute("name").removesuffix("-heading")
        body = editor.locator(f"textarea[name='{prefix}-body']")
        body.fill(body.input_value().replace("Treatment options may include:", NEW_SENTENCE, 1))
        editor.get_by_label("Status").select_option(label="Draft")
        editor.get_by_role("button", name="Save and continue editing").click()
        expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    with step("a reader can no longer open the draft"):
        assert reader.request.get(article_url).status == 404

    with step("the editor previews the draft on the site"):
        editor.locator("a.viewsitelink").click()
        expect(editor).to_have_url(re.compile(re.escape(article_url) + "$"))
        expect(editor.get_by_role("note")).to_contain_text("Draft")
        expect(editor.locator("section#treatment-options")).to_contain_text(NEW_SENTENCE)

    with step("the editor publishes the article"):
        editor.go_back()
        editor.get_by_label("Status").select_option(label="Published")
        editor.get_by_role("button", name="Save", exact=True).click()
        expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    with step("the reader sees the new sentence on the public page"):
        reader.goto(article_url)
        expect(reader.locator("section#treatment-options")).to_contain_text(NEW_SENTENCE)
        expect(reader.locator(".draft-banner")).to_have_count(0)
