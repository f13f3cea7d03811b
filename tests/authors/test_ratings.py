"""authors.ratings: one rating per reader, re-rating, exact counts, voiding, check_ratings."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from authors.models import Author, Rating, RatingVoid
from authors.ratings import RatingLimitReached, Reader, rate_author, void_rating
from symptomdb.addresses import origin_of

from .helpers import fresh, long_standing

pytestmark = pytest.mark.django_db


def test_one_reader_has_one_rating_and_rating_again_changes_it(author, rate):
    rating, created = rate(author, 2, 1)
    assert created
    again, created = rate(author, 5, 1)
    assert not created
    assert again.pk == rating.pk
    assert Rating.objects.filter(author=author).count() == 1
    author = fresh(author)
    assert author.star_counts == {5: 1, 4: 0, 3: 0, 2: 0, 1: 0}
    assert author.rating_count == 1
    assert author.rating_average == 5.0


def test_a_signed_in_user_is_one_reader_whatever_the_address(author, django_user_model):
    user = django_user_model.objects.create_user("reader")
    for score, address in ((4, "10.1.1.1"), (1, "10.2.2.2")):
        rate_author(author, score, reader=Reader(user_id=user.pk), origin=origin_of(address))
    rating = Rating.objects.get(author=author)
    assert (rating.user, rating.reader_token, rating.score) == (user, "", 1)
    assert fresh(author).rating_count == 1


def test_different_readers_each_count(author, rate_many):
    rate_many(author, {5: 2, 3: 1, 1: 1})
    author = fresh(author)
    assert author.rating_count == 4
    assert author.rating_average == pytest.approx(14 / 4)
    summary = author.rating_summary
    assert [(share.stars, share.count, share.percent) for share in summary.shares] == [
        (5, 2, 50),
        (4, 0, 0),
        (3, 1, 25),
        (2, 0, 0),
        (1, 1, 25),
    ]


@pytest.mark.parametrize("score", [0, 6, -1, 4.5, "3", None, True])
def test_rate_author_refuses_a_score_outside_1_to_5_and_stores_nothing(author, score):
    with pytest.raises(ValidationError):
        rate_author(author, score, reader=Reader(token="x" * 20), origin=origin_of("h"))
    assert not Rating.objects.exists()
    assert fresh(author).rating_count == 0


def test_the_database_refuses_a_score_outside_1_to_5(author):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(author=author, reader_token="t" * 20, score=6, address_hash="h")


def test_the_database_refuses_a_second_rating_by_the_same_reader(author):
    Rating.objects.create(author=author, reader_token="t" * 20, score=3, address_hash="h")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(author=author, reader_token="t" * 20, score=4, address_hash="h")


def test_the_database_refuses_a_rating_with_no_reader(author):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(author=author, score=4, address_hash="h")


def test_one_address_may_add_at_most_n_ratings_of_an_author_a_day(author, settings):
    settings.RATING_MAX_PER_ADDRESS_PER_DAY = 3
    settings.RATING_MAX_PER_NETWORK_PER_DAY = 3
    shared = origin_of("192.0.2.7")
    for n in range(3):
        reader = long_standing(f"stuffing-reader-{n:04d}")
        rate_author(author, 5, reader=reader, origin=shared)
    with pytest.raises(RatingLimitReached):
        rate_author(author, 5, reader=long_standing("stuffing-reader-9999"), origin=shared)
    assert Rating.objects.count() == 3
    assert fresh(author).rating_count == 3
    # A reader already counted may still change their rating from that address.
    rate_author(author, 1, reader=long_standing("stuffing-reader-0000"), origin=shared)
    assert fresh(author).star_counts[1] == 1


def test_the_address_cap_is_per_author_and_per_day(author, make_author, settings, rate):
    from datetime import timedelta

    from django.utils import timezone

    settings.RATING_MAX_PER_ADDRESS_PER_DAY = 1
    shared = origin_of("192.0.2.8")
    rate_author(author, 4, reader=long_standing("day-reader-00000001"), origin=shared)
    other = make_author()
    rate_author(other, 4, reader=long_standing("day-reader-00000002"), origin=shared)
    Rating.objects.update(created_at=timezone.now() - timedelta(hours=25))
    rate_author(author, 3, reader=long_standing("day-reader-00000003"), origin=shared)
    assert fresh(author).rating_count == 2


def test_damped_average_ranks_many_good_votes_above_one_perfect_vote(make_author, rate_many):
    one_vote = make_author("Ann One")
    rate_many(one_vote, {5: 1})
    many_votes = make_author("Bob Many")
    rate_many(many_votes, {5: 32, 4: 8}, start=100)  # 40 votes averaging 4.8
    no_votes = make_author("Cid None")
    ranked = list(Author.objects.by_rating())
    assert ranked == [many_votes, one_vote, no_votes]
    assert ranked[1].rating_average > ranked[0].rating_average
    assert ranked[0].rating_rank == pytest.approx((5 * 3.0 + 32 * 5 + 8 * 4) / 45)


def test_voiding_a_rating_keeps_an_audit_record_and_the_counts_exact(
    author, rate, django_user_model
):
    editor = django_user_model.objects.create_user("editor")
    rating, _ = rate(author, 1, 1)
    rate(author, 5, 2)
    audit = void_rating(rating, by=editor, reason="Many ratings from one network")
    assert audit == RatingVoid.objects.get()
    assert (audit.rating, audit.voided_by, audit.reason) == (
        rating,
        editor,
        "Many ratings from one network",
    )
    assert fresh(author).star_counts == {5: 1, 4: 0, 3: 0, 2: 0, 1: 0}
    # Voiding twice changes nothing; the voided reader re-rating does not count again.
    assert void_rating(rating, by=editor, reason="again") is None
    rate(author, 2, 1)
    assert fresh(author).star_counts == {5: 1, 4: 0, 3: 0, 2: 0, 1: 0}
    call_command("check_ratings")


def test_voiding_needs_a_reason(author, rate):
    rating, _ = rate(author, 1, 1)
    with pytest.raises(ValidationError):
        void_rating(rating, by=None, reason="  ")
    assert fresh(author).rating_count == 1
    assert not RatingVoid.objects.exists()


def test_check_ratings_reports_no_drift_when_counts_match(author, rate_many, capsys):
    rate_many(author, {5: 2, 2: 1})
    call_command("check_ratings")
    assert "no drift" in capsys.readouterr().out


def test_check_ratings_reports_drift_and_fails_then_fix_repairs_it(author, rate_many, capsys):
    rate_many(author, {5: 2, 2: 1})
    Author.objects.filter(pk=author.pk).update(stars_5=7)
    with pytest.raises(CommandError, match="1 author"):
        call_command("check_ratings")
    assert "Drift for ada-byline: stored 5★=7" in capsys.readouterr().out
    call_command("check_ratings", fix=True)
    assert fresh(author).star_counts == {5: 2, 4: 0, 3: 0, 2: 1, 1: 0}
    call_command("check_ratings")
