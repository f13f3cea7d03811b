"""Importing a plain-text article in the admin gives a draft, or the importer's error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.models import MAX_REFERENCES, MAX_SECTIONS, Article, Category, Reference

from .helpers import SEED_HEADINGS, SEED_TITLE, article_post_data, change_url

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:articles_article_import")


def upload(data, name="article.txt"):
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_author_imports_a_file_as_a_draft_under_their_own_name(
    author_user, author, category, seed_bytes
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author_user)
    page = client.get(IMPORT)
    assert page.status_code == 200
    token = page.context["csrf_token"]
    response = client.post(IMPORT, {"file": upload(seed_bytes), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    article = Article.objects.get(title=SEED_TITLE)
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.author == author
    assert article.status == Article.Status.DRAFT
    assert article.sections.count() == len(SEED_HEADINGS)


def test_editor_imports_a_pasted_article_with_its_byline(editor_client, seed_bytes):
    response = editor_client.post(IMPORT, {"text": seed_bytes.decode()})
    assert response.status_code == 302
    article = Article.objects.get(title=SEED_TITLE)
    assert article.author.name == "Haroon Rashid"
    assert article.status == Article.Status.DRAFT
    revision = article.revisions.get()
    assert (revision.number, revision.created_by.username) == (1, "edna")
    assert revision.summary == "Imported from a file"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Paste the article or upload a file"),
        (b"Just a title\n", "Not an article in the expected layout"),
        (b"\x00\x01binary", "the file is binary, not text"),
        (b"\xff\xfe bad", "the file is not UTF-8 text"),
        (b"Title\nSymptom Database\nIntro.\nHeading\nText.\n", "no byline"),
    ],
)
def test_bad_file_shows_the_importers_error_and_stores_nothing(
    author_client, category, data, message
):
    files = {"file": upload(data)} if data else {}
    response = author_client.post(IMPORT, files)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_oversized_upload_is_refused(author_client, category, settings):
    size = settings.ARTICLE_IMPORT_MAX_BYTES + 1
    response = author_client.post(IMPORT, {"file": upload(b"x" * size)})
    assert response.status_code == 400
    assert "article files may be at most 200 kB" in response.content.decode()


def test_import_never_overwrites_an_existing_article(
    author_client, other_author, seed_bytes, make_article, category
):
    existing = make_article(author=other_author, title="Someone else's")
    Article.objects.filter(pk=existing.pk).update(
        slug="what-are-the-causes-and-treatment-options-for-heterotopic-calcifications"
    )
    response = author_client.post(IMPORT, {"text": seed_bytes.decode()})
    assert response.status_code == 400
    assert "already exists; edit it instead" in response.content.decode()
    existing.refresh_from_db()
    assert existing.title == "Someone else's"


def test_author_cannot_create_a_category_by_import(author_client, seed_bytes):
    Category.objects.all().delete()
    response = author_client.post(IMPORT, {"text": seed_bytes.decode()})
    assert response.status_code == 400
    assert "ask an editor to add it" in response.content.decode()
    assert not Category.objects.exists()


def test_staff_without_a_role_cannot_import(roleless_staff_client, seed_bytes):
    assert roleless_staff_client.get(IMPORT).status_code == 403
    assert roleless_staff_client.post(IMPORT, {"text": seed_bytes.decode()}).status_code == 403
    assert not Article.objects.exists()


def article_with_sections(count):
    """A file in the seed layout with ``count`` sections."""
    sections = "".join(
        f"Stage {number}\n\nWhat happens at stage {number}.\n\n" for number in range(1, count + 1)
    )
    return (
        f"What is a long test article?\n\nSymptom Database\n\nAn intro.\n\n{sections}"
        "Li Wei, MD\nRate author\nRiverside Neurology Associates, Portland, OR\nAdd a comment\n"
    ).encode()


def test_an_article_with_the_most_sections_and_references_saves_in_the_admin(editor_user, category):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_user)
    token = client.get(IMPORT).context["csrf_token"]
    data = {"file": upload(article_with_sections(MAX_SECTIONS)), "csrfmiddlewaretoken": token}
    assert client.post(IMPORT, data).status_code == 302
    article = Article.objects.get(title="What is a long test article?")
    Reference.objects.bulk_create(
        Reference(article=article, position=number, text=f"Source {number}.")
        for number in range(1, MAX_REFERENCES + 1)
    )
    last = f"sections-{MAX_SECTIONS - 1}-body"

    form = article_post_data(article, **{last: "Revised at the last stage."})
    response = client.post(change_url(article), {**form, "csrfmiddlewaretoken": token})

    assert response.status_code == 302, response.context and response.context["errors"]
    assert article.sections.get(position=MAX_SECTIONS).body == "Revised at the last stage."
    assert article.references.count() == MAX_REFERENCES


def test_a_section_past_the_most_an_article_holds_is_refused_and_nothing_is_saved(
    editor_client, category
):
    editor_client.post(IMPORT, {"file": upload(article_with_sections(MAX_SECTIONS))})
    article = Article.objects.get(title="What is a long test article?")
    extra = f"sections-{MAX_SECTIONS}-"
    form = article_post_data(
        article,
        **{
            "sections-TOTAL_FORMS": str(MAX_SECTIONS + 1),
            "sections-0-body": "Changed.",
            extra + "article": article.pk,
            extra + "position": MAX_SECTIONS + 1,
            extra + "heading": "One too many",
            extra + "anchor": "one-too-many",
            extra + "kind": "other",
            extra + "body": "Text.",
        },
    )

    response = editor_client.post(change_url(article), form)

    assert response.status_code == 200
    assert f"An article has at most {MAX_SECTIONS} sections" in response.text
    assert article.sections.count() == MAX_SECTIONS
    assert article.sections.get(position=1).body != "Changed."


def test_a_file_with_more_sections_than_an_article_holds_is_refused(editor_client, category):
    data = {"file": upload(article_with_sections(MAX_SECTIONS + 1))}

    response = editor_client.post(IMPORT, data)

    assert response.status_code == 400
    assert f"{MAX_SECTIONS + 1} sections: an article has at most {MAX_SECTIONS}" in response.text
    assert not Article.objects.exists()
