"""Ratings stay exact when many readers rate, and re-rate, the same author at once: eight
threads with their own PostgreSQL connections rate at the same moment."""

import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from authors.models import Author, Rating
from authors.ratings import rate_author
from symptomdb.addresses import origin_of
from tests.markers import needs_postgres

from .helpers import long_standing

THREADS = 8
READERS_PER_THREAD = 5

pytestmark = needs_postgres("eight threads writing at once")


@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_store_one_rating_per_distinct_reader_and_exact_counts(settings):
    settings.RATING_BURST_MIN = 10_000  # exact counts under load, not the burst rule
    author = Author.objects.create(name="Busy Author", slug="busy-author")
    readers = [f"concurrent-reader-{n:04d}" for n in range(THREADS * READERS_PER_THREAD)]
    # Every thread rates every reader's share twice over, overlapping with its neighbours, so
    # the same reader is rated by two threads at once and re-rated: inserts and updates race.
    chunks = [
        readers[i * READERS_PER_THREAD : (i + 2) * READERS_PER_THREAD] for i in range(THREADS)
    ]
    chunks[-1] += readers[:READERS_PER_THREAD]
    errors = []
    barrier = threading.Barrier(THREADS)

    def work(chunk, seed):
        rng = random.Random(seed)
        try:
            for token in chunk * 2:
                score = rng.randint(1, 5)
                number = int(token.rsplit("-", 1)[1])
                rate_author(
                    author,
                    score,
                    reader=long_standing(token),
                    origin=origin_of(f"10.{number}.0.1"),
                )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    def run(batch):
        threads = [
            threading.Thread(target=lambda c=c, s=s: (barrier.wait(), work(c, s))) for c, s in batch
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    run([(chunk, seed) for seed, chunk in enumerate(chunks)])

    assert errors == []
    assert Rating.objects.filter(author=author).count() == len(readers)
    author = Author.objects.with_rating().get(pk=author.pk)
    assert author.rating_count == len(readers)
    scores = list(Rating.objects.filter(author=author).values_list("score", flat=True))
    assert author.rating_sum == sum(scores)
    call_command("check_ratings")


@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_from_one_address_respect_the_daily_cap(settings):
    settings.RATING_MAX_PER_ADDRESS_PER_DAY = 5
    author = Author.objects.create(name="Stuffed Author", slug="stuffed-author")
    shared = origin_of("198.51.100.1")
    refused = []
    barrier = threading.Barrier(THREADS)

    def work(n):
        try:
            for k in range(3):
                token = f"stuffer-{n:02d}-{k:02d}-padding"
                try:
                    rate_author(author, 5, reader=long_standing(token), origin=shared)
                except Exception as error:
                    refused.append(type(error).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=lambda n=n: (barrier.wait(), work(n))) for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Rating.objects.filter(author=author).count() == 5
    # Five from one network in a moment: two counted at most, the rest held for an editor.
    assert Rating.objects.live().filter(author=author).count() <= 2
    assert refused == ["RatingLimitReached"] * (THREADS * 3 - 5)
    call_command("check_ratings")
