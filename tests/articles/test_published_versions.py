"""Readers only ever see reviewed text: a live article's edits wait as draft revisions.

Every path that writes an article (the admin form by its author or an editor, the importer, a
restore, a plain ``save()`` in a shell) changes the working copy only; the page, the feeds, the
sitemap, search and the JSON-LD keep showing the published version until a reviewed revision is
published.
"""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import workflow
from articles.importer import import_article, parse_article
from articles.models import (
    Article,
    ImmutableRowError,
    PublishedVersion,
    Revision,
    Section,
)
from articles.structured_data import iso_seconds
from tests.factories import publish

from .helpers import (
    CHANGELIST,
    change_url,
    edit_in_admin,
    preview_url,
    workflow_url,
)

pytestmark = pytest.mark.django_db

SECRET = "Unreviewed dosage advice"


def everything_readers_see(client, article):
    """The text of every public surface that shows the article."""
    version = PublishedVersion.objects.live().get(article=article)
    urls = [
        version.get_absolute_url(),
        "/",
        reverse("articles:index"),
        reverse("articles:feed"),
        reverse("articles:atom_feed"),
        reverse("articles:sitemap"),
        reverse("articles:sitemap_section", args=["articles"]),
        reverse("articles:symptoms"),
        f"{reverse('articles:search')}?q=dosage",
        f"{reverse('articles:search')}?q=unreviewed",
        version.author.get_absolute_url(),
        reverse("authors:feed", args=[version.author.slug]),
    ]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    return "\n".join(pages)


def page_text(client, url):
    """A page as a reader gets it, without the tokens that differ per response (CSRF, the
    comment form's signed start time)."""
    page = client.get(url).content.decode()
    return re.sub(r'name="(csrfmiddlewaretoken|started)" value="[^"]+"', "", page)


def squeezed(html):
    return " ".join(html.split())


def assert_readers_do_not_see(client, article, *texts):
    seen = everything_readers_see(client, article)
    for text in texts:
        assert text not in seen


def test_an_author_edits_their_live_article_and_readers_keep_the_published_version(
    client, author_client, editor_client, live_article
):
    before = page_text(client, live_article.get_absolute_url())
    edit_in_admin(
        author_client,
        live_article,
        title="Ada's revised question?",
        **{"sections-0-body": f"{SECRET}: double the dose.\n\n- **Dosage fear:** new term"},
    )
    assert page_text(client, live_article.get_absolute_url()) == before
    assert_readers_do_not_see(client, live_article, SECRET, "revised question", "Dosage fear")
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', before, re.S).group(
        1
    )
    assert "Dosage fear" not in json_ld

    # The admin list says what waits, with who and when.
    listing = editor_client.get(CHANGELIST).content.decode()
    assert "Live, with unpublished changes" in listing
    assert "Changed by ada" in listing
    changed = editor_client.get(CHANGELIST + "?state=changed").content.decode()
    assert "Ada&#x27;s revised question?" in changed


def test_an_editor_edit_of_a_live_article_waits_for_review_too(client, editor_client, live_article):
    before = page_text(client, live_article.get_absolute_url())
    edit_in_admin(editor_client, live_article, intro=f"{SECRET} in the intro.")
    assert page_text(client, live_article.get_absolute_url()) == before
    assert_readers_do_not_see(client, live_article, SECRET)


def test_the_whole_loop_author_edit_review_diff_publish(
    client, author_client, editor_client, live_article, reviewer
):
    edit_in_admin(
        author_client,
        live_article,
        **{"sections-0-body": "Paragraph 1 rewritten with care.\n\n- **Term 1:** first"},
    )
    assert author_client.post(workflow_url(live_article), {"action": "submit"}).status_code == 302

    # The reviewer reads what changed since the published version: words, not field names.
    response = editor_client.get(workflow_url(live_article))
    page = response.content.decode()
    assert "What changed since the published version 1" in page
    assert "Section “Heading 1”" in page
    assert "<ins> rewritten with care</ins>" in page
    assert "Heading 2" not in page.split("What changed since")[1].split("</section>")[0]

    sign_off = {"action": "sign_off", "reviewer": reviewer.pk, "seen": response.context["seen"]}
    assert editor_client.post(workflow_url(live_article), sign_off).status_code == 302
    response = editor_client.post(
        workflow_url(live_article), {"action": "publish", "note": "Clarified the first section"}
    )
    assert response.status_code == 302
    page = client.get(live_article.get_absolute_url()).content.decode()
    assert "Paragraph 1 rewritten with care." in page
    assert "Clarified the first section" in page
    assert "First version" in page  # the earlier line of the log stays
    assert PublishedVersion.objects.filter(article=live_article).count() == 2
    assert PublishedVersion.objects.live().get(article=live_article).number == 2


def test_reimporting_a_live_article_makes_a_draft_revision_only(
    client, editor_client, seed_article, seed_bytes
):
    changed = seed_bytes.replace(b"Physical therapy:", f"Physical therapy: {SECRET}. Also".encode())
    result = import_article(parse_article(changed))
    assert result.outcome == "updated"
    assert_readers_do_not_see(client, seed_article, SECRET)
    assert seed_article.revisions.count() == 2
    state = editor_client.get(CHANGELIST).content.decode()
    assert "Live, with unpublished changes" in state


def test_a_plain_save_in_a_shell_changes_nothing_readers_see(client, live_article):
    live_article.title = f"{SECRET}?"
    live_article.save()
    Section.objects.create(
        article=live_article, position=9, heading=SECRET, anchor="secret", body=SECRET
    )
    Section.objects.filter(article=live_article, position=1).update(body=SECRET)
    assert_readers_do_not_see(client, live_article, SECRET)


def test_restoring_an_old_revision_makes_a_new_draft_revision_not_a_live_one(
    client, editor_client, editor_user, live_article, reviewer
):
    edit_in_admin(editor_client, live_article, intro="The second intro.")
    workflow.submit_for_review(live_article, by=editor_user)
    workflow.sign_off_review(live_article, by=editor_user, reviewer=reviewer)
    workflow.publish(live_article, by=editor_user, note="Second intro")
    assert "The second intro." in client.get(live_article.get_absolute_url()).content.decode()

    restore = reverse("admin:articles_article_revision", args=[live_article.pk, 1])
    assert editor_client.post(restore).status_code == 302
    assert live_article.revisions.order_by("-number").first().summary == "Restored revision 1"
    page = client.get(live_article.get_absolute_url()).content.decode()
    assert "The second intro." in page
    live_article.refresh_from_db()
    assert live_article.intro == "Intro of condition 1."


def test_no_command_or_save_publishes_only_the_workflow_does(client, make_article, tmp_path):
    draft = make_article(published=False, title="What is an imported draft?")
    draft.save()
    article_file = tmp_path / "article.txt"
    article_file.write_text(
        "What is a freshly imported thing?\n\nSymptom Database\n\nIntro text.\n\n"
        "Causes\n\nA cause.\n\nAda Byline, MD\nRate author\nGeneral Clinic, Leeds\n",
        encoding="utf-8",
    )
    call_command("import_articles", str(article_file), stdout=io.StringIO())
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/articles/what-is-a-freshly-imported-thing/").status_code == 404
    assert not PublishedVersion.objects.filter(article__in=[draft]).exists()


def test_published_versions_and_revisions_are_never_changed(live_article):
    version = PublishedVersion.objects.get(article=live_article)
    version.title = "Changed in place"
    with pytest.raises(ImmutableRowError):
        version.save()
    revision = Revision.objects.get(article=live_article)
    with pytest.raises(ImmutableRowError):
        revision.save()
    assert PublishedVersion.objects.get(pk=version.pk).title == "Ada own draft?"


def test_an_article_readers_have_seen_cannot_be_deleted_only_unpublished(
    editor_client, live_article
):
    delete = reverse("admin:articles_article_delete", args=[live_article.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=live_article.pk).exists()


def test_preview_of_a_live_article_shows_the_working_copy_with_a_banner(
    client, editor_client, live_article
):
    edit_in_admin(editor_client, live_article, intro="A preview-only intro.")
    page = editor_client.get(preview_url(live_article)).content.decode()
    assert "A preview-only intro." in page
    assert "Preview: Live, with unpublished changes" in page
    assert "readers still see the published version" in page
    assert (
        "A preview-only intro." not in client.get(live_article.get_absolute_url()).content.decode()
    )
    assert not PublishedVersion.objects.filter(intro_html__contains="preview-only").exists()


def test_a_renamed_article_redirects_from_its_old_address(
    client, editor_client, editor_user, live_article, reviewer
):
    old_url = live_article.get_absolute_url()
    edit_in_admin(editor_client, live_article, slug="ada-renamed")
    # Until the rename is published, the old address answers and the new one is not there.
    assert client.get(old_url).status_code == 200
    assert client.get("/articles/ada-renamed/").status_code == 404
    workflow.submit_for_review(live_article, by=editor_user)
    workflow.sign_off_review(live_article, by=editor_user, reviewer=reviewer)
    workflow.publish(live_article, by=editor_user, note="New address")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/articles/ada-renamed/"


def test_a_draft_given_another_article_s_old_address_does_not_take_its_readers(
    client, editor_client, author_client, editor_user, live_article, make_article, reviewer
):
    """An author's unreviewed slug must not redirect readers of someone else's old address."""
    old_url = live_article.get_absolute_url()
    edit_in_admin(editor_client, live_article, slug="ada-renamed")
    publish(live_article, by=editor_user, reviewer=reviewer, note="New address")
    own = make_article(title="What is another?", author=live_article.author, published=False)
    edit_in_admin(author_client, own, slug=old_url.strip("/").rsplit("/", 1)[-1])

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == "/articles/ada-renamed/"


def test_the_json_ld_and_feeds_come_from_the_published_version(client, live_article):
    version = PublishedVersion.objects.get(article=live_article)
    page = client.get(version.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    web_page = data["@graph"][0]
    assert web_page["reviewedBy"]["name"] == "Rita Reviewer"
    assert web_page["lastReviewed"] == version.reviewed_on.isoformat()
    assert web_page["dateModified"] == iso_seconds(version.live_from)


def test_change_pages_of_live_articles_say_what_readers_see(editor_client, live_article):
    page = editor_client.get(change_url(live_article)).content.decode()
    assert "What readers see" in page
    assert "View on site" in page


def test_view_on_site_opens_the_page_readers_see_while_a_new_slug_waits_for_review(
    client, editor_client, live_article, make_article
):
    """The working copy's slug is unreviewed: another article's old address, say."""
    live_url = PublishedVersion.objects.live().get(article=live_article).get_absolute_url()
    other = make_article(title="What is another condition?")
    Article.objects.filter(pk=live_article.pk).update(slug=other.slug + "-next")
    for page in [editor_client.get(change_url(live_article)), editor_client.get(CHANGELIST)]:
        links = re.findall(r'href="([^"]+)"[^>]*>View on site', page.text)
        assert live_url in links
        assert not [link for link in links if "-next" in link]
    assert client.get(live_url).status_code == 200


def test_a_version_s_text_is_rendered_once_at_publication_and_served_as_stored(
    client, live_article
):
    version = PublishedVersion.objects.get(article=live_article)
    assert "Ada own draft?" not in version.body_html  # the title is the page's, not the text's
    for section in version.page_sections:
        assert section.body_html in version.body_html
    # Pages are served with runs of white space cut short (articles.page_cache).
    assert squeezed(version.body_html) in squeezed(page_text(client, version.get_absolute_url()))


def test_text_stored_by_an_earlier_template_is_rendered_anew_then_stored_by_the_command(
    client, live_article, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # each view renders the page: which text does it use?
    version = PublishedVersion.objects.get(article=live_article)
    url = version.get_absolute_url()
    current = page_text(client, url)
    # What a release with another body template leaves behind.
    PublishedVersion.objects.filter(pk=version.pk).update(
        body_html="<p>Markup of an earlier release</p>", body_digest="0123456789abcdef"
    )
    assert page_text(client, url) == current

    output = io.StringIO()
    call_command("render_version_bodies", stdout=output, stderr=io.StringIO())
    assert "Rendered the text of 1 published version(s) anew." in output.getvalue()
    version.refresh_from_db()
    assert squeezed(version.body_html) in squeezed(current)
    assert page_text(client, url) == current

    output = io.StringIO()
    call_command("render_version_bodies", stdout=output, stderr=io.StringIO())
    assert "Rendered the text of 0 published version(s) anew." in output.getvalue()
    output = io.StringIO()
    call_command("render_version_bodies", "--all", stdout=output, stderr=io.StringIO())
    assert "Rendered the text of 1 published version(s) anew." in output.getvalue()
    assert page_text(client, url) == current
