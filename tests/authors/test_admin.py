"""Admin: rating figures on authors, ratings visible to editors, voiding with a reason."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from authors.models import Rating, RatingVoid

from .helpers import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    def make(username, *codenames):
        user = django_user_model.objects.create_user(username, is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        return user

    return make


def test_author_admin_shows_read_only_rating_figures(admin_client, author, rate_many):
    rate_many(author, {5: 1, 4: 1})
    change = admin_client.get(f"/admin/authors/author/{author.pk}/change/").content.decode()
    assert "4.50 from 2 rating(s) (5★ 1, 4★ 1, 3★ 0, 2★ 0, 1★ 0)" in change
    assert 'name="stars_5"' not in change
    listing = admin_client.get("/admin/authors/author/").content.decode()
    assert "4.50 from 2 rating(s)" in listing


def test_editors_see_ratings_but_cannot_add_change_or_delete_them(client, staff, author, rate):
    rate(author, 3, 1)
    client.force_login(staff("viewer", "view_rating"))
    listing = client.get("/admin/authors/rating/")
    assert listing.status_code == 200
    assert "Ada Byline" in listing.content.decode()
    assert client.get("/admin/authors/rating/add/").status_code == 403
    rating = Rating.objects.get()
    assert (
        client.post(f"/admin/authors/rating/{rating.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Rating.objects.count() == 1


def test_void_action_asks_for_a_reason_then_voids_with_an_audit_record(client, staff, author, rate):
    bad, _ = rate(author, 1, 1)
    rate(author, 5, 2)
    editor = staff("editor", "view_rating", "void_rating")
    client.force_login(editor)
    selection = {"action": "void_with_reason", "_selected_action": [bad.pk]}
    confirm = client.post("/admin/authors/rating/", selection)
    assert confirm.status_code == 200
    assert "Kept in the audit record" in confirm.content.decode()
    assert not RatingVoid.objects.exists()

    no_reason = client.post("/admin/authors/rating/", {**selection, "apply": "1", "reason": ""})
    assert no_reason.status_code == 200
    assert "This field is required." in no_reason.content.decode()
    assert not RatingVoid.objects.exists()

    done = client.post(
        "/admin/authors/rating/", {**selection, "apply": "1", "reason": "Stuffing from one network"}
    )
    assert done.status_code == 302
    audit = RatingVoid.objects.get()
    assert (audit.rating, audit.voided_by, audit.reason) == (
        bad,
        editor,
        "Stuffing from one network",
    )
    assert fresh(author).star_counts == {5: 1, 4: 0, 3: 0, 2: 0, 1: 0}
    call_command("check_ratings")
    listing = client.get("/admin/authors/rating/").content.decode()
    assert "by editor: Stuffing from one network" in listing


def test_only_editors_with_the_void_permission_get_the_action(client, staff, author, rate):
    rating, _ = rate(author, 1, 1)
    client.force_login(staff("viewer", "view_rating"))
    assert "void_with_reason" not in client.get("/admin/authors/rating/").content.decode()
    response = client.post(
        "/admin/authors/rating/",
        {
            "action": "void_with_reason",
            "_selected_action": [rating.pk],
            "apply": "1",
            "reason": "x",
        },
    )
    assert response.status_code in (200, 302)
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
            assert admin_client.get("/admin/authors/rating/").status_code == 200
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
    listing = client.get("/admin/authors/rating/")
    assert listing.status_code == 200
    assert "void_with_reason" in listing.content.decode()
    confirm = {"action": "void_with_reason", "_selected_action": [rating.pk]}
    client.post("/admin/authors/rating/", {**confirm, "apply": "1", "reason": "Test ballot"})
    assert RatingVoid.objects.get().reason == "Test ballot"

    writer = django_user_model.objects.create_user("wendy", is_staff=True)
    writer.groups.add(Group.objects.get(name="Authors"))
    client.force_login(writer)
    assert client.get("/admin/authors/rating/").status_code == 403
