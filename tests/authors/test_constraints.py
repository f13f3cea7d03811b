"""The database itself refuses author, affiliation and rating rows that break the rules.

Each test writes valid rows the usual way, then forces a rule-breaking write past the models
(``update``, ``create``) and expects the named constraint to refuse it. Constraints proven in
other modules are listed in tests/test_constraints.py.
"""

import pytest
from django.utils import timezone

from authors.models import (
    Affiliation,
    Author,
    AuthorAffiliation,
    Rating,
    RatingRelease,
    RatingVoid,
)
from authors.ratings import Reader, rate_author, release_rating, void_rating
from symptomdb.addresses import origin_of
from tests.constraints import refused_by


@pytest.fixture
def rating(author, rate):
    """A long-standing anonymous reader's rating of ``author``, counted at once."""
    return rate(author, 4, 1)[0]


@pytest.fixture
def held_rating(author):
    """A new reader's rating of ``author``, held until their token has aged."""
    reader = Reader(token="new-reader-token-0001", since=timezone.now())
    return rate_author(author, 2, reader=reader, origin=origin_of("10.9.9.9"))[0]


@pytest.mark.parametrize("field", ["stars_5", "stars_4", "stars_3", "stars_2", "stars_1"])
def test_an_authors_star_counts_cannot_go_negative(author, field):
    with refused_by("author_star_counts_not_negative"):
        Author.objects.filter(pk=author.pk).update(**{field: -1})


def test_a_place_of_work_is_stored_once(db):
    place = {"name": "Harbour Clinic", "city": "Hull", "region": "", "country": "UK"}
    Affiliation.objects.create(**place)
    with refused_by("affiliation_unique_place"):
        Affiliation.objects.create(**place)


def test_an_author_is_linked_to_an_affiliation_once(author):
    place = author.affiliations.get()
    with refused_by("author_affiliation_unique"):
        AuthorAffiliation.objects.create(author=author, affiliation=place, role="Locum")


def test_an_author_has_one_primary_affiliation(author):
    second = Affiliation.objects.create(name="Harbour Clinic", city="Hull")
    link = AuthorAffiliation.objects.create(author=author, affiliation=second)
    with refused_by("author_one_primary_affiliation"):
        AuthorAffiliation.objects.filter(pk=link.pk).update(is_primary=True)


def test_a_rating_is_counted_or_held(rating):
    """``rating_status_valid``. Any other status breaks ``rating_held_says_why`` as well, which
    PostgreSQL tests first (it tests check constraints in the order of their names), so the
    error names that one; tests/test_constraints.py proves this one is installed."""
    with refused_by("rating_held_says_why"):
        Rating.objects.filter(pk=rating.pk).update(status="gossip")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"status": "held", "hold": ""}, id="held-without-reason"),
        pytest.param({"status": "held", "hold": "gossip"}, id="held-for-unknown-reason"),
        pytest.param({"hold": "burst"}, id="counted-with-a-hold-reason"),
    ],
)
def test_a_held_rating_says_why_and_a_counted_one_has_no_hold(rating, change):
    with refused_by("rating_held_says_why"):
        Rating.objects.filter(pk=rating.pk).update(**change)


def test_a_rating_is_not_both_a_users_and_a_tokens(rating, django_user_model):
    """No reader at all is refused in tests/authors/test_ratings.py."""
    user = django_user_model.objects.create_user("reader")
    with refused_by("rating_one_kind_of_reader"):
        Rating.objects.filter(pk=rating.pk).update(user=user)


def test_a_signed_in_reader_rates_an_author_once(author, django_user_model):
    reader = Reader(user_id=django_user_model.objects.create_user("reader").pk)
    rating = rate_author(author, 5, reader=reader, origin=origin_of("10.1.1.1"))[0]
    with refused_by("rating_one_per_user_and_author"):
        Rating.objects.create(author=author, user=rating.user, score=1, address_hash="other")


def test_releasing_a_held_rating_says_why(held_rating):
    release = release_rating(held_rating, by=None, note="The reader's token has aged.")
    with refused_by("rating_release_has_note"):
        RatingRelease.objects.filter(pk=release.pk).update(note="")


def test_voiding_a_rating_says_why(rating):
    void = void_rating(rating, by=None, reason="Many ratings from one network in a minute.")
    with refused_by("rating_void_has_reason"):
        RatingVoid.objects.filter(pk=void.pk).update(reason="")
