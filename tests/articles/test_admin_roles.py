"""Each role through the real admin: authors reach only their own rows, editors everything."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from pytest_django.asserts import assertContains

from articles import workflow
from articles.models import Article, ArticleEvent, Section
from authors.models import Affiliation, Author, AuthorAffiliation
from symptomdb.roles import may_open_article

from .helpers import ADD, CHANGELIST, article_post_data, change_url, preview_url

pytestmark = pytest.mark.django_db


def test_author_list_shows_only_their_own_articles(author_client, own_draft, others_draft):
    page = author_client.get(CHANGELIST).content.decode()
    assert own_draft.title in page
    assert others_draft.title not in page


def test_author_search_and_popup_lists_never_show_others(author_client, own_draft, others_draft):
    for query in ("?q=secret", "?_popup=1", "?_popup=1&q=draft", "?author__id__exact=999"):
        page = author_client.get(CHANGELIST + query).content.decode()
        assert others_draft.title not in page, query


def test_author_gets_404_on_every_url_of_anothers_article(author_client, others_draft):
    pk = others_draft.pk
    for name in ("change", "delete", "workflow"):
        url = reverse(f"admin:articles_article_{name}", args=[pk])
        assert author_client.get(url).status_code == 404, name
        assert author_client.post(url, {"post": "yes", "action": "submit"}).status_code == 404
    history = reverse("admin:articles_article_history", args=[pk])
    assert author_client.get(history).status_code == 404
    others_draft.refresh_from_db()
    assert others_draft.status == Article.Status.DRAFT


def test_author_cannot_change_another_article_by_posting(author_client, others_draft):
    response = author_client.post(
        change_url(others_draft), article_post_data(others_draft, title="Hijacked?")
    )
    assert response.status_code == 404
    others_draft.refresh_from_db()
    assert others_draft.title == "Otto secret draft?"


def test_author_edits_their_own_draft_and_its_sections(author_client, own_draft):
    data = article_post_data(own_draft, title="Ada edited draft?")
    data["sections-0-body"] = "New **body**."
    response = author_client.post(change_url(own_draft), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    own_draft.refresh_from_db()
    assert own_draft.title == "Ada edited draft?"
    assert own_draft.sections.get(position=1).body == "New **body**."
    revision = own_draft.revisions.order_by("-number").first()
    assert (revision.number, revision.created_by.username) == (2, "ada")
    preview = author_client.get(preview_url(own_draft)).content.decode()
    assert "<p>New <strong>body</strong>.</p>" in preview


def test_author_edits_their_live_article_as_a_draft_revision(author_client, client, live_article):
    """Authors improve their own live articles; readers keep the published version."""
    assert author_client.get(change_url(live_article)).status_code == 200
    response = author_client.post(
        change_url(live_article), article_post_data(live_article, title="Ada improved?")
    )
    assert response.status_code == 302
    live_article.refresh_from_db()
    assert live_article.title == "Ada improved?"
    assert "Ada improved?" not in client.get(live_article.get_absolute_url()).content.decode()


def test_author_adds_a_draft_under_their_own_name_whatever_they_post(
    author_client, author, other_author, category
):
    data = article_post_data(category=category.pk, author=other_author.pk, status="published")
    response = author_client.post(ADD, data)
    assert response.status_code == 302
    article = Article.objects.get(slug="new-condition")
    assert article.author == author
    assert article.status == Article.Status.DRAFT


def test_author_cannot_edit_their_article_once_submitted(author_client, own_draft, author_user):
    workflow.submit_for_review(own_draft, by=author_user)
    assert author_client.get(change_url(own_draft)).status_code == 200  # view only
    response = author_client.post(change_url(own_draft), article_post_data(own_draft, title="X?"))
    assert response.status_code == 403
    own_draft.refresh_from_db()
    assert own_draft.title == "Ada own draft?"


def test_author_cannot_delete_a_submitted_article(author_client, own_draft, author_user):
    workflow.submit_for_review(own_draft, by=author_user)
    url = reverse("admin:articles_article_delete", args=[own_draft.pk])
    assert author_client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=own_draft.pk).exists()


def test_author_deletes_their_own_draft(author_client, own_draft):
    url = reverse("admin:articles_article_delete", args=[own_draft.pk])
    assert author_client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=own_draft.pk).exists()


def test_a_draft_sent_back_and_never_published_may_be_deleted_with_its_history(
    author_client, own_draft, author_user, editor_user, reviewer
):
    workflow.submit_for_review(own_draft, by=author_user)
    workflow.sign_off_review(own_draft, by=editor_user, reviewer=reviewer)
    workflow.send_back(own_draft, by=editor_user, note="Not now.")
    url = reverse("admin:articles_article_delete", args=[own_draft.pk])
    assert author_client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=own_draft.pk).exists()
    assert not ArticleEvent.objects.filter(article=own_draft.pk).exists()


def test_author_autocomplete_offers_only_their_own_profile(
    author_client, author, other_author, reviewer
):
    response = author_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "author", "term": ""},
    )
    assert response.status_code == 200
    ids = [int(item["id"]) for item in json.loads(response.content)["results"]]
    assert ids == [author.pk]


def test_author_profile_popup_and_list_show_only_themselves(author_client, author, other_author):
    url = reverse("admin:authors_author_changelist")
    for query in ("", "?_popup=1&_to_field=id", "?q=Otto"):
        page = author_client.get(url + query).content.decode()
        assert "Otto Other" not in page, query
    other = reverse("admin:authors_author_change", args=[other_author.pk])
    assert author_client.get(other).status_code == 404


def test_author_edits_their_bio_but_no_other_profile_field(author_client, author):
    url = reverse("admin:authors_author_change", args=[author.pk])
    response = author_client.get(url)
    assert response.status_code == 200
    fields = set(response.context["adminform"].form.fields)
    assert fields == {"name", "credentials", "bio", "photo"}
    data = {
        "name": author.name,
        "credentials": "MD, PhD",
        "bio": "Writes about feet.",
        "slug": "stolen-slug",
        "affiliation_links-TOTAL_FORMS": "0",
        "affiliation_links-INITIAL_FORMS": "0",
        "affiliation_links-MIN_NUM_FORMS": "0",
        "affiliation_links-MAX_NUM_FORMS": "1000",
    }
    assert author_client.post(url, data).status_code == 302
    author.refresh_from_db()
    assert (author.bio, author.credentials, author.slug) == (
        "Writes about feet.",
        "MD, PhD",
        "ada-byline",
    )


def test_author_cannot_add_or_delete_author_profiles(author_client, author):
    assert author_client.get(reverse("admin:authors_author_add")).status_code == 403
    delete = reverse("admin:authors_author_delete", args=[author.pk])
    assert author_client.post(delete, {"post": "yes"}).status_code == 403
    assert Author.objects.filter(pk=author.pk).exists()


@pytest.mark.parametrize(
    "url_name",
    ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:articles_category_add"],
)
def test_author_cannot_reach_users_groups_or_categories(author_client, url_name):
    assert author_client.get(reverse(url_name)).status_code == 403


def test_staff_without_a_role_cannot_open_articles(roleless_staff_client, own_draft):
    # The rule: a list the account may not open is 403; a row it may not open is 404, as if it
    # did not exist (its title and existence are not revealed).
    assert roleless_staff_client.get(CHANGELIST).status_code == 403
    assert roleless_staff_client.get(change_url(own_draft)).status_code == 404


def test_editor_sees_and_edits_every_article(editor_client, own_draft, others_draft):
    page = editor_client.get(CHANGELIST).content.decode()
    assert own_draft.title in page
    assert others_draft.title in page
    response = editor_client.post(
        change_url(others_draft), article_post_data(others_draft, title="Edited by the editor?")
    )
    assert response.status_code == 302
    others_draft.refresh_from_db()
    assert others_draft.title == "Edited by the editor?"


def test_list_filters_by_section_kind_and_shows_review_columns(editor_client, make_article):
    article = make_article(title="Kinds?")
    Section.objects.filter(article=article, position=1).update(kind="treatment")
    page = editor_client.get(CHANGELIST + "?sections__kind=treatment").content.decode()
    assert "Kinds?" in page
    assert (
        editor_client.get(CHANGELIST + "?sections__kind=causes").content.decode().count("Kinds?")
        == 0
    )
    assert "View on site" in page


def test_swapping_two_section_positions_saves(author_client, own_draft):
    data = article_post_data(own_draft)
    data["sections-0-position"], data["sections-1-position"] = "2", "1"
    response = author_client.post(change_url(own_draft), data)
    assert response.status_code == 302, response.context["errors"]
    assert list(own_draft.sections.values_list("heading", flat=True)) == [
        "Heading 2",
        "Heading 1",
        "Heading 3",
    ]


def test_a_row_may_take_the_position_of_a_row_deleted_in_the_same_save(author_client, own_draft):
    data = article_post_data(own_draft)
    data["sections-1-DELETE"] = "on"  # "Heading 2", at position 2
    data["sections-0-position"] = "2"
    response = author_client.post(change_url(own_draft), data)
    assert response.status_code == 302, response.context["errors"]
    assert list(own_draft.sections.values_list("position", "heading")) == [
        (2, "Heading 1"),
        (3, "Heading 3"),
    ]


def test_a_row_saved_meanwhile_at_the_same_position_is_a_form_error(author_client, own_draft):
    """Two tabs each add a fourth section: the second save says so, and keeps the first."""
    data = article_post_data(own_draft)
    data |= {"sections-TOTAL_FORMS": "4", "sections-3-article": own_draft.pk}
    data |= {f"sections-3-{name}": value for name, value in [
        ("position", "4"), ("heading", "Mine"), ("anchor", "mine"), ("kind", ""), ("body", "B."),
    ]}  # fmt: skip
    Section.objects.create(article=own_draft, position=4, heading="Theirs", anchor="theirs")
    response = author_client.post(change_url(own_draft), data)
    assert response.status_code == 200
    assert "Other sections were saved at position 4 since this page was opened" in response.text
    assert own_draft.sections.get(position=4).heading == "Theirs"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"sections-0-heading": ""}, "This field is required."),
        ({"slug": "taken"}, "Article with this Slug already exists."),
        ({"intro": "x" * 50_001}, "Ensure this value has at most 50000 characters"),
        ({"sections-0-position": "2"}, "Two rows have position 2: give each its own number."),
        ({"sections-0-position": "9223372036854775808"}, "less than or equal to 10000"),
        ({"sections-0-position": "2147483648"}, "less than or equal to 10000"),
        ({"sections-0-position": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_input_gets_a_form_error_and_saves_nothing(
    author_client, own_draft, make_article, overrides, message
):
    Article.objects.filter(pk=make_article(title="Taken?").pk).update(slug="taken")
    before = list(own_draft.sections.values_list("position", "heading", "body"))
    response = author_client.post(change_url(own_draft), article_post_data(own_draft, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    own_draft.refresh_from_db()
    assert own_draft.title == "Ada own draft?"
    assert list(own_draft.sections.values_list("position", "heading", "body")) == before


def test_save_and_preview_opens_the_preview_with_the_draft_banner(author_client, own_draft):
    response = author_client.post(
        change_url(own_draft), article_post_data(own_draft, title="Ada previewed?", _preview="1")
    )
    assert response.status_code == 302
    assert response["Location"] == preview_url(own_draft)
    page = author_client.get(response["Location"]).content.decode()
    assert "<strong>Preview: Draft</strong>" in page
    assert "Ada previewed?" in page


def test_author_previews_only_their_own_drafts(
    author_client, editor_client, own_draft, others_draft
):
    assert author_client.get(preview_url(own_draft)).status_code == 200
    assert author_client.get(preview_url(others_draft)).status_code == 404
    assert editor_client.get(preview_url(others_draft)).status_code == 200


def test_author_article_lookups_from_related_fields_list_only_their_own(
    author_client, own_draft, others_draft
):
    for model_name in ("section", "reference"):
        response = author_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "articles", "model_name": model_name, "field_name": "article"},
        )
        assert response.status_code == 200, model_name
        ids = [int(item["id"]) for item in json.loads(response.content)["results"]]
        assert ids == [own_draft.pk], model_name


def test_author_cannot_look_up_user_accounts(author_client):
    response = author_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "authors", "model_name": "author", "field_name": "user", "term": ""},
    )
    assert response.status_code == 403


def test_admin_article_list_query_count_does_not_grow(
    editor_client, make_article, other_author, reviewer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(CHANGELIST).status_code == 200
        return len(queries)

    make_article(sections=1)
    small = count()
    for _ in range(15):
        make_article(sections=1, author=other_author, reviewer=reviewer)
    assert count() == small


def test_two_primary_affiliations_in_one_save_are_a_form_error(author_client, author):
    """The database allows one primary affiliation; two new ones in one save would reach it."""
    link = author.affiliation_links.get()
    link.is_primary = False
    link.save()
    other = Affiliation.objects.create(name="Second Clinic", city="York")
    url = reverse("admin:authors_author_change", args=[author.pk])
    data = {
        "name": author.name,
        "credentials": author.credentials,
        "bio": "",
        "affiliation_links-TOTAL_FORMS": "2",
        "affiliation_links-INITIAL_FORMS": "1",
        "affiliation_links-MIN_NUM_FORMS": "0",
        "affiliation_links-MAX_NUM_FORMS": "1000",
        "affiliation_links-0-id": link.pk,
        "affiliation_links-0-author": author.pk,
        "affiliation_links-0-affiliation": link.affiliation_id,
        "affiliation_links-0-is_primary": "on",
        "affiliation_links-1-author": author.pk,
        "affiliation_links-1-affiliation": other.pk,
        "affiliation_links-1-is_primary": "on",
    }
    response = author_client.post(url, data)
    assertContains(response, "Mark one affiliation as primary")
    assert list(author.affiliation_links.values_list("affiliation__name", "is_primary")) == [
        ("General Clinic", False)
    ]


@pytest.mark.parametrize("order", ["new primary row first", "old primary row first"])
def test_the_primary_affiliation_moves_to_another_row_in_one_save(author_client, author, order):
    old = author.affiliation_links.get()
    second = Affiliation.objects.create(name="Second Clinic", city="York")
    new = AuthorAffiliation.objects.create(author=author, affiliation=second, is_primary=False)
    rows = [(new, True), (old, False)]
    if order == "old primary row first":
        rows.reverse()
    data = {
        "name": author.name,
        "credentials": author.credentials,
        "bio": "",
        "affiliation_links-TOTAL_FORMS": "2",
        "affiliation_links-INITIAL_FORMS": "2",
    }
    for index, (link, primary) in enumerate(rows):
        prefix = f"affiliation_links-{index}-"
        data |= {
            prefix + "id": link.pk,
            prefix + "author": author.pk,
            prefix + "affiliation": link.affiliation_id,
        }
        if primary:
            data[prefix + "is_primary"] = "on"

    response = author_client.post(reverse("admin:authors_author_change", args=[author.pk]), data)

    assert response.status_code == 302
    assert author.primary_affiliation == second


def test_the_admin_lists_and_opens_the_same_articles_for_every_role(
    make_article, own_draft, others_draft, author_user, other_author_user, editor_user,
    roleless_staff_user,
):  # fmt: skip
    """``open_to`` (the lists) and ``may_open_article`` (each page) state one rule twice."""
    reviewing_author = other_author_user
    reviewing_author.user_permissions.add(
        Permission.objects.get(codename="review_article", content_type__app_label="articles")
    )
    in_review = make_article(published=False, title="Ada in review?")
    workflow.submit_for_review(in_review, by=author_user)
    live = make_article(title="Live?")
    users = [author_user, reviewing_author, editor_user, roleless_staff_user]
    for user in users:
        user = type(user).objects.get(pk=user.pk)  # fresh permission cache
        listed = set(Article.objects.open_to(user))
        for article in [own_draft, others_draft, in_review, live]:
            assert (article in listed) == may_open_article(user, article), (user, article)
