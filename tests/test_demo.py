"""`make run`'s set-up steps: demo content and demo accounts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, PublishedVersion, Section
from authors.models import Author

# Thousands of rows, the demo content or hypothesis runs: left out of `make test-fast`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def snapshot():
    return (
        list(Article.objects.values_list("pk", "slug", "status", "updated_at")),
        list(Section.objects.values_list("pk", "body")),
        list(Author.objects.values_list("pk", "slug")),
        list(PublishedVersion.objects.values_list("pk", "live_from", "live_until")),
    )


def test_demo_content_loads_working_copies_once_and_publishes_nothing(client):
    call_command("load_demo_content")
    first = snapshot()
    call_command("load_demo_content")
    assert snapshot() == first

    assert Article.objects.count() >= 4
    assert Article.objects.filter(author__name="Haroon Rashid").count() == 1
    assert Author.objects.count() >= 4
    # Nothing reaches readers without a medical sign-off.
    assert not PublishedVersion.objects.exists()
    assert "No articles have been published yet." in client.get("/").content.decode()


def test_demo_accounts_are_created_once_with_printed_passwords(client, capsys):
    call_command("load_demo_content")
    capsys.readouterr()
    call_command("create_demo_accounts")
    printed = dict(
        re.findall(r"^\s+(editor|author|moderator)\s+(\S+)$", capsys.readouterr().out, re.M)
    )
    assert set(printed) == {"editor", "author", "moderator"}

    users = get_user_model().objects
    assert users.get(username="editor").is_superuser
    assert not users.get(username="moderator").is_superuser
    assert Author.objects.get(name="Haroon Rashid").user == users.get(username="author")
    for username, password in printed.items():
        assert client.login(username=username, password=password), username

    call_command("create_demo_accounts")
    assert "already exist" in capsys.readouterr().out
    assert client.login(username="editor", password=printed["editor"])
    assert users.count() == 3


def test_demo_articles_are_published_through_the_medical_review_once(client, capsys):
    """The demo loader signs off and publishes with the workflow, and says so."""
    call_command("load_demo_content")
    call_command("create_demo_accounts")
    capsys.readouterr()
    call_command("load_demo_reviews")
    out = capsys.readouterr().out
    assert "medically reviewed by" in out
    assert "published by editor" in out
    live = list(PublishedVersion.objects.live().select_related("reviewed_by"))
    assert len(live) == Article.objects.count()
    for version in live:
        assert version.reviewed_by_id != version.author_id
        assert version.published_by.username == "editor"
        assert version.change_note == "First publication of the demo article"
        assert list(version.article.events.order_by("pk").values_list("action", flat=True)) == [
            "submitted",
            "signed_off",
            "published",
        ]
    seed = PublishedVersion.objects.get(author__name="Haroon Rashid")
    page = client.get(seed.get_absolute_url()).content.decode()
    assert f'Medically reviewed by <a href="{seed.reviewed_by.get_absolute_url()}">' in page
    assert "Next review due" in page
    home = client.get("/").content.decode()
    for version in live:
        assert version.title.replace("'", "&#x27;") in home

    before = snapshot()
    call_command("load_demo_reviews")
    assert snapshot() == before


def test_demo_reviews_need_the_demo_editor(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="create_demo_accounts"):
        call_command("load_demo_reviews")
