"""Ratings that resist stuffing: new readers' ratings wait until their token has aged, bursts
and many ratings from one network wait for an editor, and the public average does not move
until then."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from authors.models import Rating, RatingRelease
from authors.ratings import Reader, rate_author, release_aged_ratings, void_rating
from symptomdb.addresses import origin_of
from tests.factories import staff_user

from .helpers import csrf_token_from, fresh, long_standing

pytestmark = pytest.mark.django_db


def stuff(author, number, *, addresses, aged=False, score=1):
    """``number`` readers, each a fresh token (or one given long ago), from a few addresses."""
    now = timezone.now()
    for n in range(number):
        token = f"stuffer-token-{n:05d}"
        reader = long_standing(token) if aged else Reader(token=token, since=now)
        address = addresses[n % len(addresses)]
        rate_author(author, score, reader=reader, origin=origin_of(address), now=now)


def public_average(author):
    return fresh(author).rating_average


@pytest.mark.parametrize("aged", [False, True], ids=["new tokens", "tokens given long ago"])
def test_dozens_of_ratings_from_a_handful_of_addresses_move_the_average_by_a_tenth_at_most(
    author, rate_many, settings, aged
):
    settings.RATING_MAX_PER_ADDRESS_PER_DAY = 100
    rate_many(author, {5: 12, 4: 8})
    before = public_average(author)
    stuff(
        author, 48, addresses=["198.51.100.7", "203.0.113.9", "192.0.2.1", "100.64.3.2"], aged=aged
    )
    assert abs(public_average(author) - before) <= 0.1
    assert Rating.objects.held().count() == 48
    # A day later the hourly job finds them part of a burst: they wait for an editor.
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        release_aged_ratings.call()
    assert abs(public_average(author) - before) <= 0.1
    assert set(Rating.objects.held().values_list("hold", flat=True)) <= {"burst", "network"}
    call_command("check_ratings")


def test_a_new_readers_rating_counts_once_their_token_has_aged(author, rate_many):
    rate_many(author, {4: 3})
    reader = Reader(token="a-new-reader-token", since=timezone.now())
    rating, _ = rate_author(author, 2, reader=reader, origin=origin_of("203.0.113.50"))
    assert (rating.status, rating.hold) == ("held", "new-reader")
    assert fresh(author).rating_count == 3
    release_aged_ratings.call()
    assert fresh(author).rating_count == 3  # not yet a day old
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert release_aged_ratings.call() == 1
    assert fresh(author).star_counts[2] == 1
    audit = RatingRelease.objects.get()
    assert (audit.rating, audit.released_by, audit.hold) == (rating, None, "new-reader")
    call_command("check_ratings")


def test_a_third_rating_from_one_network_in_a_day_waits_and_holds_the_other_two(author, settings):
    settings.RATING_MAX_PER_ADDRESS_PER_DAY = 10
    for n, address in enumerate(["198.51.100.1", "198.51.100.2"]):
        rate_author(
            author, 5, reader=long_standing(f"network-reader-{n}"), origin=origin_of(address)
        )
    assert fresh(author).rating_count == 2
    third, _ = rate_author(
        author, 5, reader=long_standing("network-reader-3"), origin=origin_of("198.51.100.3")
    )
    assert third.hold == "network"
    assert fresh(author).rating_count == 0
    assert Rating.objects.held().filter(hold="network").count() == 3
    # Another network is another household.
    rate_author(author, 4, reader=long_standing("elsewhere-1"), origin=origin_of("203.0.113.1"))
    assert fresh(author).rating_count == 1


def test_a_burst_is_measured_against_the_authors_usual_rate(author, rate_many, settings):
    """An author rated 10 times an hour all month may get 30 in an hour."""
    settings.RATING_BURST_MIN = 5
    settings.RATING_BURST_FACTOR = 3
    now = timezone.now()
    for n in range(10 * 24 * 30):
        Rating.objects.create(
            author=author,
            reader_token=f"history-reader-{n:06d}",
            score=4,
            address_hash=f"h{n}",
            created_at=now - timedelta(days=30) + timedelta(minutes=6 * n),
        )
    for n in range(20):
        rating, _ = rate_author(
            author, 5, reader=long_standing(f"busy-hour-{n:03d}"), origin=origin_of(f"10.{n}.0.1")
        )
        assert not rating.is_held, n


def test_an_editor_releases_held_ratings_in_the_admin_with_an_audit_record(client, author):
    rating, _ = rate_author(
        author,
        5,
        reader=Reader(token="held-reader-token", since=timezone.now()),
        origin=origin_of("203.0.113.77"),
    )
    editor = staff_user("edna", "Editors")
    client.force_login(editor)
    listing = client.get(reverse("admin:authors_rating_changelist"), {"status": "held"})
    assert "release_with_note" in listing.content.decode()
    selection = {"action": "release_with_note", "_selected_action": [rating.pk]}
    url = reverse("admin:authors_rating_changelist")
    assert "Release ratings" in client.post(url, selection).content.decode()
    done = client.post(url, {**selection, "apply": "1", "reason": "A known patient group"})
    assert done.status_code == 302
    assert fresh(author).star_counts[5] == 1
    audit = RatingRelease.objects.get()
    assert (audit.released_by, audit.note, audit.hold) == (
        editor,
        "A known patient group",
        "new-reader",
    )
    # Releasing twice changes nothing.
    client.post(url, {**selection, "apply": "1", "reason": "Again"})
    assert fresh(author).star_counts[5] == 1
    call_command("check_ratings")


def test_voiding_a_held_rating_leaves_the_figures_alone(author, rate_many):
    rate_many(author, {4: 3})
    rating, _ = rate_author(
        author,
        1,
        reader=Reader(token="void-held-reader", since=timezone.now()),
        origin=origin_of("203.0.113.90"),
    )
    void_rating(rating, by=None, reason="Stuffing")
    assert fresh(author).star_counts == {5: 0, 4: 3, 3: 0, 2: 0, 1: 0}
    call_command("check_ratings")


def test_a_held_reader_changing_their_score_counts_nothing_until_released(author):
    reader = Reader(token="changing-held-reader", since=timezone.now())
    rate_author(author, 2, reader=reader, origin=origin_of("203.0.113.91"))
    rate_author(author, 5, reader=reader, origin=origin_of("203.0.113.91"))
    assert fresh(author).rating_count == 0
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        release_aged_ratings.call()
    assert fresh(author).star_counts[5] == 1


def test_the_public_page_never_counts_held_ratings_but_the_reader_sees_theirs(author):
    reader = Client(enforce_csrf_checks=True)
    token = csrf_token_from(reader, author.get_absolute_url())
    reader.post(
        reverse("authors:rate", args=[author.slug]), {"score": "5", "csrfmiddlewaretoken": token}
    )
    own = reader.get(author.get_absolute_url()).content.decode()
    assert "Your rating: 5 of 5. It counts once our checks pass." in own
    other = Client().get(author.get_absolute_url()).content.decode()
    assert "counts once our checks pass" not in other
    assert "No ratings yet" in other or "0 ratings" in other
