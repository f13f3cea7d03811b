"""Author and editor journeys through the real admin in a browser, each step named."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article
from authors.models import Author

from .helpers import login, step

NEW_SENTENCE = "Most people need several sessions a few weeks apart."
CHANGE_NOTE = "Treatment Options: how many shockwave sessions people usually need."


@pytest.fixture
def draft_for_revision(demo_accounts, seeded):
    """The seed article, sent back to draft by the editor so that its author can revise it."""
    return workflow.unpublish(seeded, by=demo_accounts["editor"])


def test_author_revises_their_draft_and_an_editor_publishes_it(
    new_page, demo_accounts, draft_for_revision
):
    """Journey 5: an author edits, previews and submits their draft; an editor signs the medical
    review off and publishes it; readers see the change; another author's article stays closed."""
    article = draft_for_revision
    other_article = Article.objects.exclude(author=article.author).order_by("title").first()
    reviewer = Author.objects.get(pk=other_article.author_id)
    author, editor, reader = new_page(), new_page(), new_page()
    article_url = article.get_absolute_url()
    workflow_url = reverse("admin:articles_article_workflow", args=[article.pk])

    with step("the author signs in to the admin"):
        login(author, "author")

    with step("the author's article list holds their own article, not another author's"):
        author.goto(reverse("admin:articles_article_changelist"))
        results = author.locator("#result_list")
        expect(results.get_by_role("link", name=article.title)).to_be_visible()
        expect(results).not_to_contain_text(other_article.title)

    with step("the author adds a sentence to Treatment Options and saves it with a preview"):
        results.get_by_role("link", name=article.title).click()
        heading = author.locator("input[name$='-heading'][value='Treatment Options']")
        prefix = heading.get_attribute("name").removesuffix("-heading")
        body = author.locator(f"textarea[name='{prefix}-body']")
        body.fill(body.input_value().replace("Treatment options may include:", NEW_SENTENCE, 1))
        author.get_by_role("button", name="Save and preview").click()

    with step("the preview shows the new sentence under a draft banner"):
        expect(author).to_have_url(re.compile(re.escape(article_url) + "$"))
        expect(author.locator(".draft-banner")).to_contain_text("Draft")
        expect(author.locator("section#treatment-options")).to_contain_text(NEW_SENTENCE)

    with step("a reader cannot open the draft"):
        assert reader.request.get(article_url).status == 404

    with step("the author submits the draft for review on its Workflow page"):
        author.goto(reverse("admin:articles_article_change", args=[article.pk]))
        author.get_by_role("link", name=re.compile(r"^Workflow: Draft")).click()
        expect(author).to_have_url(re.compile(re.escape(workflow_url) + "$"))
        author.get_by_role("button", name="Submit for review").click()
        expect(author.locator(".messagelist")).to_contain_text("Submitted for review.")
        expect(author.get_by_role("link", name=re.compile(r"^Workflow: In review"))).to_be_visible()

    with step("the author cannot open another author's article by its admin URL"):
        for url in (
            reverse("admin:articles_article_change", args=[other_article.pk]),
            reverse("admin:articles_article_workflow", args=[other_article.pk]),
        ):
            # The request carries the author's session cookie (a navigation to a 404 page
            # would count as a page error).
            response = author.request.get(url)
            assert response.status == 404, f"{url} answered {response.status}"
            assert other_article.title not in response.text()

    with step("the editor signs off the medical review, by another clinician than the author"):
        login(editor, "editor")
        editor.goto(workflow_url)
        editor.get_by_label("Medically reviewed by").select_option(label=str(reviewer))
        editor.get_by_role("button", name="Sign off this version").click()
        expect(editor.locator(".messagelist")).to_contain_text("Medical review signed off")

    with step('the editor publishes the article with a "What changed" note'):
        editor.get_by_role("link", name=re.compile(r"^Workflow: In review")).click()
        editor.get_by_label("What changed").fill(CHANGE_NOTE)
        editor.get_by_role("button", name="Publish now").click()
        expect(editor.locator(".messagelist")).to_contain_text("Published.")

    with step("the reader sees the new sentence and the note on the public page"):
        reader.goto(article_url)
        expect(reader.locator("section#treatment-options")).to_contain_text(NEW_SENTENCE)
        expect(reader.locator(".article-changelog")).to_contain_text(CHANGE_NOTE)
        expect(reader.locator(".draft-banner")).to_have_count(0)
