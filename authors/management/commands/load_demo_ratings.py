from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from authors.models import Author
from authors.ratings import Reader, rate_author
from symptomdb.addresses import origin_of

# Ratings per score (5, 4, 3, 2, 1) for each demo author in turn: a spread of shapes, and one
# author below the minimum count.
DISTRIBUTIONS = [
    (14, 6, 2, 1, 0),
    (3, 8, 6, 2, 1),
    (1, 1, 0, 0, 0),
    (6, 3, 3, 2, 4),
    (9, 9, 1, 0, 1),
]


class Command(BaseCommand):
    help = "Give every author demo ratings from demo readers. Running it again changes nothing."

    def handle(self, *args, **options):
        # Long-standing readers, one a day over the past months: ratings that count at once.
        now = timezone.now()
        created = 0
        for index, author in enumerate(Author.objects.order_by("slug")):
            distribution = DISTRIBUTIONS[index % len(DISTRIBUTIONS)]
            scores = [
                stars
                for stars, number in zip((5, 4, 3, 2, 1), distribution, strict=True)
                for _ in range(number)
            ]
            for number, score in enumerate(scores):
                reader = Reader(token=f"demo-reader-{number:04d}", since=now - timedelta(days=365))
                _, new = rate_author(
                    author,
                    score,
                    reader=reader,
                    origin=origin_of(f"192.0.2.{number}"),
                    now=now - timedelta(days=number + 1),
                )
                created += new
        self.stdout.write(f"Demo ratings: {created} new.")
