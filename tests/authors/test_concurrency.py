"""Ratings stay exact when many readers rate, and re-rate, the same author at once.

On PostgreSQL (CI runs the suite there too) eight threads with their own connections rate at
the same moment. SQLite serialises every write in one process anyway, so there the same work
runs in one thread: the assertions are identical.
"""

import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from authors.models import Author, Rating
from authors.ratings import Reader, rate_author
from symptomdb.addresses import address_hash

THREADS = 8
READERS_PER_THREAD = 5


def thread_count():
    return THREADS if connection.vendor == "postgresql" else 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_store_one_rating_per_distinct_reader_and_exact_counts():
    author = Author.objects.create(name="Busy Author", slug="busy-author")
    readers = [f"concurrent-reader-{n:04d}" for n in range(THREADS * READERS_PER_THREAD)]
    # Every thread rates every reader's share twice over, overlapping with its neighbours, so
    # the same reader is rated by two threads at once and re-rated: inserts and updates race.
    chunks = [
        readers[i * READERS_PER_THREAD : (i + 2) * READERS_PER_THREAD] for i in range(THREADS)
    ]
    chunks[-1] += readers[:READERS_PER_THREAD]
    errors = []
    barrier = threading.Barrier(thread_count())

    def work(chunk, seed):
        rng = random.Random(seed)
        try:
            for token in chunk * 2:
                score = rng.randint(1, 5)
                rate_author(
                    author, score, reader=Reader(token=token), address_hash=address_hash(token)
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

    work_items = [(chunk, seed) for seed, chunk in enumerate(chunks)]
    if thread_count() == 1:
        for chunk, seed in work_items:
            work(chunk, seed)
    else:
        run(work_items)

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
    shared = address_hash("198.51.100.1")
    refused = []
    barrier = threading.Barrier(thread_count())

    def work(n):
        try:
            for k in range(3):
                token = f"stuffer-{n:02d}-{k:02d}-padding"
                try:
                    rate_author(author, 5, reader=Reader(token=token), address_hash=shared)
                except Exception as error:
                    refused.append(type(error).__name__)
        finally:
            connection.close()

    if thread_count() == 1:
        for n in range(THREADS):
            work(n)
    else:
        threads = [
            threading.Thread(target=lambda n=n: (barrier.wait(), work(n))) for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert Rating.objects.filter(author=author).count() == 5
    assert refused == ["RatingLimitReached"] * (THREADS * 3 - 5)
    call_command("check_ratings")
