"""Demo content gives the demo authors varied ratings, once."""

import pytest
from django.core.management import call_command

from authors.models import Author, Rating

pytestmark = pytest.mark.django_db


def test_demo_authors_get_varied_ratings_once(client, settings):
    call_command("load_demo_content")
    first = list(Rating.objects.order_by("pk").values_list("pk", "author", "score"))
    call_command("load_demo_content")
    assert list(Rating.objects.order_by("pk").values_list("pk", "author", "score")) == first

    authors = list(Author.objects.with_rating())
    assert all(author.rating_count for author in authors)
    assert len({author.rating_average for author in authors}) == len(authors)
    assert any(author.rating_count < settings.RATING_MIN_COUNT for author in authors)
    assert any(author.star_counts[1] for author in authors)
    call_command("check_ratings")
    page = client.get("/authors/?sort=rating").content.decode()
    assert "out of 5" in page
    assert "Not enough ratings yet" in page
