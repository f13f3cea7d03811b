"""`make run`'s set-up steps: demo content and demo accounts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Section
from authors.models import Author

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Article.objects.values_list("pk", "slug", "status", "published_at", "updated_at")),
        list(Section.objects.values_list("pk", "body")),
        list(Author.objects.values_list("pk", "slug")),
    )


def test_demo_content_publishes_the_seed_and_other_articles_once(client):
    call_command("load_demo_content")
    first = snapshot()
    call_command("load_demo_content")
    assert snapshot() == first

    published = Article.objects.published()
    assert published.count() >= 4
    assert published.filter(author__name="Haroon Rashid").count() == 1
    assert Author.objects.count() >= 4
    home = client.get("/").content.decode()
    for article in published:
        assert article.title.replace("'", "&#x27;") in home


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


def test_demo_reviews_are_signed_off_by_another_author_once(client):
    """The demo articles show who reviewed them and when the next review is due."""
    call_command("load_demo_content")
    call_command("create_demo_accounts")
    call_command("load_demo_reviews")
    reviewed = list(Article.objects.published().select_related("reviewed_by"))
    assert reviewed
    for article in reviewed:
        assert article.reviewed_by is not None
        assert article.reviewed_by_id != article.author_id
        assert article.review_is_current
    seed = Article.objects.get(author__name="Haroon Rashid")
    page = client.get(seed.get_absolute_url()).content.decode()
    assert f'Medically reviewed by <a href="{seed.reviewed_by.get_absolute_url()}">' in page
    assert "Next review due" in page

    before = list(Article.objects.values_list("pk", "reviewed_by", "last_reviewed"))
    call_command("load_demo_reviews")
    assert list(Article.objects.values_list("pk", "reviewed_by", "last_reviewed")) == before


def test_demo_reviews_need_the_demo_editor(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="create_demo_accounts"):
        call_command("load_demo_reviews")
