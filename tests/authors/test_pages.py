"""Author list and author pages, the article's author box, and their query counts."""

import re

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import (
    assertContains,
    assertInHTML,
    assertNotContains,
    assertRedirects,
)

from authors.models import Affiliation, AuthorAffiliation
from tests.queries import count_queries

from .helpers import csrf_token_from

pytestmark = pytest.mark.django_db


def test_author_list_shows_initials_credentials_affiliation_and_rating(
    client, author, make_author, rate_many
):
    rate_many(author, {5: 2, 4: 2})
    make_author("Ben Quiet")
    page = client.get(reverse("authors:index"))
    assertContains(
        page,
        f'<p class="mb-0"><a href="{author.get_absolute_url()}">Ada Byline</a>, MD</p>',
        html=True,
    )
    assertContains(page, '<span class="author-initials" aria-hidden="true">AB</span>', html=True)
    assertContains(page, "General Clinic, Leeds, West Yorks")
    assertContains(page, "4.5 out of 5 · 4 ratings")
    assertContains(page, "Not enough ratings yet · 0 ratings")
    assertContains(page, "damped average")


def test_author_list_sorts_by_name_and_by_damped_rating(client, make_author, rate_many):
    zed = make_author("Zed Many")
    rate_many(zed, {5: 30, 4: 10})
    amy = make_author("Amy One")
    rate_many(amy, {5: 1}, start=100)
    by_name = client.get(reverse("authors:index")).content.decode()
    assert by_name.index("Amy One") < by_name.index("Zed Many")
    response = client.get(reverse("authors:index"), {"sort": "rating"})
    by_rating = response.content.decode()
    assert by_rating.index("Zed Many") < by_rating.index("Amy One")
    assertContains(response, '<strong aria-current="true">rating</strong>', html=True)


def test_author_page_shows_bio_affiliations_with_roles_and_summary(
    client, author, rate_many, make_article
):
    author.bio = "Family physician."
    author.save()
    second = Affiliation.objects.create(name="Teaching Hospital", city="York", region="N Yorks")
    AuthorAffiliation.objects.create(author=author, affiliation=second, role="Lecturer")
    make_article(title="What is an older condition?")
    rate_many(author, {5: 1, 3: 2, 1: 1})
    response = client.get(author.get_absolute_url())
    assertContains(response, "Family physician.")
    assertContains(response, "Lecturer, Teaching Hospital, York, N Yorks")
    assertContains(response, "General Clinic, Leeds, West Yorks")
    assertContains(response, "What is an older condition?")
    assertContains(
        response,
        '<p class="rating-average"><strong>3.0</strong> out of 5 <span>(4 ratings)</span></p>',
        html=True,
    )
    page = response.content.decode()
    bars = re.findall(
        r"<li><span>(\d) stars?</span>\s*"
        r'<progress max="100" value="(\d+)" aria-label="[^"]+"></progress>\s*'
        r"<span>(\d+) \((\d+)%\)</span></li>",
        page,
    )
    assert bars == [
        ("5", "25", "1", "25"),
        ("4", "0", "0", "0"),
        ("3", "50", "2", "50"),
        ("2", "0", "0", "0"),
        ("1", "25", "1", "25"),
    ]
    assertNotContains(response, 'style="')
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_below_the_minimum_count_the_page_says_not_enough_ratings(
    client, author, rate_many, settings
):
    settings.RATING_MIN_COUNT = 3
    rate_many(author, {5: 2})
    page = client.get(author.get_absolute_url())
    assertContains(page, "Not enough ratings yet")
    assertNotContains(page, "<strong>5.0</strong>", html=True)
    rate_many(author, {4: 1}, start=10)
    page = client.get(author.get_absolute_url())
    assertNotContains(page, "Not enough ratings yet")
    assertContains(
        page,
        '<p class="rating-average"><strong>4.7</strong> out of 5 <span>(3 ratings)</span></p>',
        html=True,
    )


def test_the_rate_widget_is_a_labelled_fieldset_of_five_radio_buttons(client, author):
    response = client.get(author.get_absolute_url())
    page = response.content.decode()
    form = re.search(r'<form class="rate-author".*?</form>', page, re.S).group(0)
    assert 'method="post"' in form
    assert f'action="{reverse("authors:rate", args=[author.slug])}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assertInHTML('<legend class="h6">Rate Ada Byline</legend>', form)
    # Each radio button sits inside its label, which names it.
    radios = re.findall(
        r'<label><input type="radio" name="score" value="(\d)"[^>]*>'
        r" (\d) stars?</label>",
        form,
    )
    assert radios == [(value, value) for value in "54321"]
    # One answer is required (the browser says so before sending), none chosen for a new reader.
    assert re.findall(r'value="(\d)"( checked)?( required)?>', form) == [
        ("5", "", " required"),
        *((value, "", "") for value in "4321"),
    ]
    assertInHTML(
        '<p class="rate-status" role="status" aria-live="polite" data-rating-status></p>', form
    )
    assertContains(response, f'<script src="{static("js/site.js")}" defer></script>', html=True)


def test_article_author_box_shows_the_summary_and_the_rate_widget(
    client, author, make_article, rate_many
):
    article = make_article()
    rate_many(author, {4: 3})
    page = client.get(article.get_absolute_url()).content.decode()
    start = page.index('<footer class="byline"')
    byline = page[start : page.index("</footer>", start) + len("</footer>")]
    assert 'id="rating-summary-ada-byline"' in byline
    assertInHTML(
        '<p class="rating-average"><strong>4.0</strong> out of 5 <span>(3 ratings)</span></p>',
        byline,
    )
    assertInHTML('<legend class="h6">Rate Ada Byline</legend>', byline)
    assert "You have not rated Ada Byline yet." in byline


def test_rating_from_the_article_page_returns_to_it_and_shows_the_readers_rating(
    csrf_client, author, make_article
):
    article = make_article()
    before, page = count_queries(csrf_client, article.get_absolute_url())
    assertInHTML(f'<input type="hidden" name="next" value="{article.get_absolute_url()}">', page)
    token = csrf_token_from(csrf_client, article.get_absolute_url())
    response = csrf_client.post(
        reverse("authors:rate", args=[author.slug]),
        {"csrfmiddlewaretoken": token, "score": "2", "next": article.get_absolute_url()},
    )
    assertRedirects(response, article.get_absolute_url(), fetch_redirect_response=False)
    _, page = count_queries(csrf_client, article.get_absolute_url())
    assert "Thank you: you rated Ada Byline 2 of 5." in page
    assert "Your rating: 2 of 5." in page
    # Then the shared cached page, with this reader's rating filled in: the stamp, their score
    # and the author's name for the form, whatever the page holds.
    count_queries(csrf_client, article.get_absolute_url())  # renders the shared page once
    cached, page = count_queries(csrf_client, article.get_absolute_url())
    assert "Your rating: 2 of 5." in page
    assert cached == 3
    # Another reader's page never shows it.
    _, other = count_queries(Client(), article.get_absolute_url())
    assert "Your rating: 2 of 5." not in other
    assert "You have not rated Ada Byline yet." in other
    assert before >= cached


def test_author_list_query_count_is_constant_as_authors_and_ratings_grow(
    client, make_author, rate_many, author
):
    rate_many(author, {5: 1})
    few, _ = count_queries(client, reverse("authors:index"))
    start = 10
    for _ in range(6):
        other = make_author()
        place = Affiliation.objects.create(name=f"Clinic {start}")
        AuthorAffiliation.objects.create(author=other, affiliation=place, is_primary=True)
        start = rate_many(other, {5: 2, 3: 1}, start=start)
    many, page = count_queries(client, reverse("authors:index") + "?sort=rating")
    assert page.count('class="author-list-item') == 7
    assert few == many


def test_author_page_query_count_is_constant_as_articles_and_ratings_grow(
    csrf_client, author, make_article, rate_many, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page as rendered; tests/articles/test_page_cache.py
    make_article()
    rate_many(author, {5: 1})
    few, _ = count_queries(csrf_client, author.get_absolute_url())
    for _ in range(12):
        make_article()
    rate_many(author, {4: 20, 2: 5}, start=10)
    many, _ = count_queries(csrf_client, author.get_absolute_url())
    assert few == many
    # A reader who has rated costs exactly one query more than one who has not.
    token = csrf_token_from(csrf_client, author.get_absolute_url())
    csrf_client.post(
        reverse("authors:rate", args=[author.slug]), {"csrfmiddlewaretoken": token, "score": "3"}
    )
    rated, page = count_queries(csrf_client, author.get_absolute_url())
    assert "Your rating: 3 of 5." in page
    assert rated == many + 1


def test_article_page_query_count_is_constant_as_ratings_grow(
    csrf_client, author, make_article, rate_many
):
    article = make_article()
    few, _ = count_queries(csrf_client, article.get_absolute_url())
    rate_many(author, {5: 10, 3: 10, 1: 10})
    for _ in range(5):
        make_article()
    many, page = count_queries(csrf_client, article.get_absolute_url())
    assert "(30 ratings)" in page
    assert few == many


def test_author_list_pages_keep_the_sort_order(client):
    from authors.models import Author

    Author.objects.bulk_create(
        Author(name=f"Listed Author{n:03d}", slug=f"listed-{n:03d}") for n in range(55)
    )
    response = client.get(reverse("authors:index"), {"sort": "rating"})
    page = response.content.decode()
    assert page.count('class="author-list-item') == 50
    assertContains(
        response, '<a class="page-link" href="?sort=rating&page=2" rel="next">Next</a>', html=True
    )
    second = client.get(reverse("authors:index"), {"sort": "rating", "page": 2}).content.decode()
    assert second.count('class="author-list-item') == 5


def test_the_site_header_links_to_the_authors(client, author):
    assertContains(
        client.get(author.get_absolute_url()),
        f'<a href="{reverse("authors:index")}">Authors</a>',
        html=True,
    )


def test_sorting_by_rating_puts_authors_below_the_minimum_after_every_rated_author(
    client, make_author, rate_many, settings
):
    settings.RATING_MIN_COUNT = 3
    few = make_author("Fay Few")
    rate_many(few, {5: 2})  # two perfect ratings: not enough to be ranked
    rated = make_author("Ray Rated")
    rate_many(rated, {3: 20}, start=100)
    response = client.get(reverse("authors:index"), {"sort": "rating"})
    names = [author.name for author in response.context["authors"]]
    assert names.index("Ray Rated") < names.index("Fay Few")


def test_not_enough_ratings_shows_no_percentages(client, make_author, rate_many, settings):
    settings.RATING_MIN_COUNT = 3
    author = make_author("Nan Notyet")
    rate_many(author, {5: 1, 1: 1})
    page = client.get(author.get_absolute_url())
    assertContains(page, "Not enough ratings yet")
    assertNotContains(page, "<progress")
    assertNotContains(page, "%)")
