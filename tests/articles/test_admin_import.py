"""Importing a plain-text article in the admin gives a draft, or the importer's error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.models import Article, Category

from .helpers import SEED_HEADINGS, SEED_TITLE

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
