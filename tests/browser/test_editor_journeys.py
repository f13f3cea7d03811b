"""Author and editor journeys through the real admin in a browser, each step named."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, PublishedVersion
from authors.models import Author

from .helpers import login, step

NEW_SENTENCE = "Most people need several sessions a few weeks apart."
CHANGE_NOTE = "Treatment Options: how many shockwave sessions people usually need."


def test_author_revises_their_live_article_and_an_editor_publishes_it_after_review(
    new_page, demo_accounts, seeded
):
    """Journey 5: an author edits their live article, previews and submits it; readers keep the
    published text; the editor finds it on the dashboard, reads the diff, signs the medical
    review off and publishes it; readers see the new text and a new "What changed" line;
    another author's article stays closed."""
    article = seeded
    other_article = Article.objects.exclude(author=article.author).order_by("title").first()
    reviewer = Author.objects.get(pk=other_article.author_id)
    author, editor, reader = new_page(), new_page(), new_page()
    article_url = article.get_absolute_url()
    workflow_url = reverse("admin:articles_article_workflow", args=[article.pk])

    with step("the author signs in to the admin"):
        login(author, "author")

    with step("the author's article list holds their own live article, not another author's"):
        author.goto(reverse("admin:articles_article_changelist"))
        results = author.locator("#result_list")
        expect(results.get_by_role("link", name=article.title)).to_be_visible()
        expect(results).not_to_contain_text(other_article.title)
        expect(results).to_contain_text("Live")

    with step("the author adds a sentence to Treatment Options and saves it with a preview"):
        results.get_by_role("link", name=article.title).click()
        heading = author.locator("input[name$='-heading'][value='Treatment Options']")
        prefix = heading.get_attribute("name").removesuffix("-heading")
        body = author.locator(f"textarea[name='{prefix}-body']")
        body.fill(body.input_value().replace("Treatment options may include:", NEW_SENTENCE, 1))
        author.get_by_role("button", name="Save and preview").click()

    with step("the preview shows the new sentence under a banner naming the state"):
        preview_url = reverse("admin:articles_article_preview", args=[article.pk])
        expect(author).to_have_url(re.compile(re.escape(preview_url) + "$"))
        expect(author.locator(".draft-banner")).to_contain_text("Live, with unpublished changes")
        expect(author.locator("section#treatment-options")).to_contain_text(NEW_SENTENCE)

    with step("a reader still sees the published text"):
        reader.goto(article_url)
        expect(reader.locator("section#treatment-options")).not_to_contain_text(NEW_SENTENCE)

    with step("the author submits the revision for review on its Workflow page"):
        author.goto(reverse("admin:articles_article_change", args=[article.pk]))
        author.get_by_role("link", name=re.compile(r"^Workflow: Draft")).click()
        expect(author).to_have_url(re.compile(re.escape(workflow_url) + "$"))
        author.get_by_role("button", name="Submit for review").click()
        expect(author.locator(".messagelist")).to_contain_text("Submitted for review")
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

    with step("the editor finds the article awaiting review on the dashboard"):
        login(editor, "editor")
        panel = editor.locator("#awaiting-review")
        expect(panel).to_contain_text("Awaiting your review (1)")
        panel.get_by_role("link", name=article.title).click()
        expect(editor).to_have_url(re.compile(re.escape(workflow_url) + "$"))

    with step("the editor reads what changed since the published version"):
        diff = editor.locator(".workflow-diff")
        expect(diff).to_contain_text("Section “Treatment Options”")
        expect(diff.locator("ins", has_text="several sessions")).to_have_count(1)
        expect(diff.locator("del", has_text="Treatment options may include")).to_have_count(1)
        expect(diff).not_to_contain_text("Section “Causes of Heterotopic Calcifications”")

    with step("the editor signs off the medical review, by another clinician than the author"):
        editor.get_by_label("Medically reviewed by").select_option(label=str(reviewer))
        editor.get_by_role("button", name="Sign off this revision").click()
        expect(editor.locator(".messagelist")).to_contain_text("Medical review signed off")

    with step('the editor publishes the revision with a "What changed" note'):
        editor.get_by_role("link", name=re.compile(r"^Workflow: In review")).click()
        editor.get_by_role("textbox", name="What changed").fill(CHANGE_NOTE)
        editor.get_by_role("button", name="Publish now").click()
        expect(editor.locator(".messagelist")).to_contain_text("Published")

    with step("the reader sees the new sentence and the new note on the public page"):
        reader.goto(article_url)
        expect(reader.locator("section#treatment-options")).to_contain_text(NEW_SENTENCE)
        expect(reader.locator(".article-changelog")).to_contain_text(CHANGE_NOTE)
        expect(reader.locator(".article-review")).to_contain_text(reviewer.display_name)
        expect(reader.locator(".draft-banner")).to_have_count(0)
        assert PublishedVersion.objects.filter(article=article).count() == 2
