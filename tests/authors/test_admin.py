"""Admin: rating figures on authors, ratings visible to editors, voiding with a reason."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from authors.models import Rating, RatingVoid

from .helpers import fresh

pytestmark = pytest.mark.django_db

RATINGS = reverse("admin:authors_rating_changelist")


@pytest.fixture
def staff(django_user_model):
    def make(username, *codenames):
        user = django_user_model.objects.create_user(username, is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        return user

    return make


def test_author_admin_shows_read_only_rating_figures(admin_client, author, rate_many):
    rate_many(author, {5: 1, 4: 1})
    change = admin_client.get(reverse("admin:authors_author_change", args=[author.pk]))
    assertContains(change, "4.50 from 2 rating(s) (5★ 1, 4★ 1, 3★ 0, 2★ 0, 1★ 0)")
    assertNotContains(change, 'name="stars_5"')
    listing = admin_client.get(reverse("admin:authors_author_changelist"))
    assertContains(listing, "4.50 from 2 rating(s)")


def test_editors_see_ratings_but_cannot_add_change_or_delete_them(client, staff, author, rate):
    rate(author, 3, 1)
    client.force_login(staff("viewer", "view_rating"))
    listing = client.get(RATINGS)
    assertContains(listing, "Ada Byline")
    assert client.get(reverse("admin:authors_rating_add")).status_code == 403
    rating = Rating.objects.get()
    delete = reverse("admin:authors_rating_delete", args=[rating.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Rating.objects.count() == 1


def test_void_action_asks_for_a_reason_then_voids_with_an_audit_record(client, staff, author, rate):
    bad, _ = rate(author, 1, 1)
    rate(author, 5, 2)
    editor = staff("editor", "view_rating", "void_rating")
    client.force_login(editor)
    selection = {"action": "void_with_reason", "_selected_action": [bad.pk]}
    confirm = client.post(RATINGS, selection)
    assertContains(confirm, "Kept in the audit record")
    assert not RatingVoid.objects.exists()

    no_reason = client.post(RATINGS, {**selection, "apply": "1", "reason": ""})
    assertContains(no_reason, "This field is required.")
    assert not RatingVoid.objects.exists()

    done = client.post(RATINGS, {**selection, "apply": "1", "reason": "Stuffing from one network"})
    assertRedirects(done, RATINGS, fetch_redirect_response=False)
    audit = RatingVoid.objects.get()
    assert (audit.rating, audit.voided_by, audit.reason) == (
        bad,
        editor,
        "Stuffing from one network",
    )
    assert fresh(author).star_counts == {5: 1, 4: 0, 3: 0, 2: 0, 1: 0}
    call_command("check_ratings")
    assertContains(client.get(RATINGS), "by editor: Stuffing from one network")


def test_only_editors_with_the_void_permission_get_the_action(client, staff, author, rate):
    rating, _ = rate(author, 1, 1)
    client.force_login(staff("viewer", "view_rating"))
    assertNotContains(client.get(RATINGS), "void_with_reason")
    response = client.post(
        RATINGS,
        {
            "action": "void_with_reason",
            "_selected_action": [rating.pk],
            "apply": "1",
            "reason": "x",
        },
    )
    # With no action open to this user the post only shows the list again, still without it.
    assertNotContains(response, "void_with_reason")
    assert not RatingVoid.objects.exists()
    assert fresh(author).rating_count == 1


def test_rating_admin_list_query_count_is_constant_as_ratings_grow(
    admin_client, author, rate, rate_many, django_user_model
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from authors.ratings import void_rating

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(RATINGS).status_code == 200
        return len(queries)

    first, _ = rate(author, 2, 1)
    void_rating(first, by=None, reason="test")
    few = count()
    rate_many(author, {5: 10, 1: 10}, start=10)
    for n in range(3):
        rating, _ = rate(author, 3, 100 + n)
        void_rating(rating, by=None, reason="test")
    assert count() == few


def test_editors_group_may_see_and_void_ratings_and_authors_group_may_not(
    client, django_user_model, author, rate
):
    """The role groups from the migrations carry the rating permissions, not hand-added ones."""
    from django.contrib.auth.models import Group

    rating, _ = rate(author, 2, 1)
    editor = django_user_model.objects.create_user("edith", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assertContains(client.get(RATINGS), "void_with_reason")
    confirm = {"action": "void_with_reason", "_selected_action": [rating.pk]}
    voided = client.post(RATINGS, {**confirm, "apply": "1", "reason": "Test ballot"})
    assertRedirects(voided, RATINGS, fetch_redirect_response=False)
    assert RatingVoid.objects.get().reason == "Test ballot"

    writer = django_user_model.objects.create_user("wendy", is_staff=True)
    writer.groups.add(Group.objects.get(name="Authors"))
    client.force_login(writer)
    assert client.get(RATINGS).status_code == 403
