"""Every public page runs a fixed, small number of SQL queries however much data there is.

Measured with the page cache off (each page rendered in full), for an anonymous reader with no
cookies, at two data sizes each: 1 vs 300 comments, 2 vs 40 sections, 1 vs 200 articles by an
author, 5 vs 5,000 articles. The cached path costs one query, none on PostgreSQL while nothing
changes (tests/articles/test_page_cache.py).
"""

import pytest
from django.test import Client
from django.urls import reverse

from articles import seeding
from articles.models import PublishedVersion
from articles.synonyms import synonym_groups, synonyms_changed
from comments import changes
from comments.models import ReportReason
from tests.factories import staff_user
from tests.queries import count_queries

# Thousands of rows, the demo content or hypothesis runs: left out of `make test-fast`.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ARTICLE_PAGE = 3
LIST_PAGE = 4
SEARCH_PAGE = 3


@pytest.fixture(autouse=True)
def _uncached(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _synonyms_read(db):
    """Search reads the synonym list once a minute per process (articles/synonyms.py); the
    budgets count a search's own queries, and the cold read is pinned on its own below."""
    synonym_groups()


def queries(url):
    return count_queries(Client(), url)[0]


def quiet(*_):
    pass


def test_the_article_page_stays_within_budget_with_300_comments_and_40_sections(
    make_article, make_comment
):
    small, large = make_article(sections=2), make_article(sections=40)
    make_comment(small)
    for number in range(300):
        parent = make_comment(large, body=f"Thread {number}")
        if number % 3 == 0:
            make_comment(large, parent=parent, body=f"Reply {number}")
    few, many = queries(small.get_absolute_url()), queries(large.get_absolute_url())
    assert few == many <= ARTICLE_PAGE


def test_reports_edits_withdrawals_and_staff_replies_add_no_query(make_article, make_comment):
    plain, worked = make_article(), make_article()
    make_comment(plain)
    moderator = staff_user("budget-moderator", "Moderators")
    for number in range(60):
        comment = make_comment(worked, body=f"Thread {number}")
        changes.edit_comment(comment, f"Thread {number}, corrected.")
        for reporter in range(2):
            changes.report_comment(
                comment,
                reason=ReportReason.ABUSE,
                note="",
                reporter=changes.Reporter(key=f"r{number}-{reporter}", address_hash=""),
            )
        if number % 3 == 0:
            changes.reply_as_staff(comment, f"Staff answer {number}.", by=moderator)
        if number % 5 == 0:
            changes.withdraw_comment(comment)
    page = Client().get(worked.get_absolute_url()).content.decode()
    assert "Staff answer 3." in page
    assert "Thread 1, corrected." in page
    assert queries(plain.get_absolute_url()) == queries(worked.get_absolute_url()) <= ARTICLE_PAGE


def test_list_pages_stay_within_budget_with_5_and_5000_articles(make_article):
    for _ in range(5):
        make_article(extra_sections=[("Symptoms", "- Joint stiffness", "symptoms")])
    urls = [
        "/",
        reverse("articles:index"),
        "/categories/symptom-database/",
        reverse("articles:symptom", args=["joint-stiffness"]),
        reverse("articles:symptoms"),
    ]
    few = {url: queries(url) for url in urls}
    seeding.seed_articles(5000, quiet)
    assert PublishedVersion.objects.live().count() == 5005
    bench_category = reverse("articles:category", args=["bench-1"])
    many = {url: queries(url) for url in urls}
    assert few == many
    assert max(many.values()) <= LIST_PAGE
    assert queries(bench_category) <= LIST_PAGE
    for url in (
        reverse("articles:feed"),
        reverse("articles:sitemap"),
    ):
        assert queries(url) <= 7, url
    # On a busy machine the seeding can outlast the synonym list's minute: read it afresh.
    synonym_groups()
    assert queries(f"{reverse('articles:search')}?q=calcifications") <= SEARCH_PAGE


def test_the_author_page_stays_within_budget_with_1_and_200_articles(make_article, author):
    make_article()
    few = queries(author.get_absolute_url())
    for _ in range(199):
        make_article()
    assert queries(author.get_absolute_url()) == few <= LIST_PAGE


def test_a_cold_synonym_list_costs_one_query_more(make_article, django_capture_on_commit_callbacks):
    make_article()
    url = f"{reverse('articles:search')}?q=condition"
    warm = queries(url)
    with django_capture_on_commit_callbacks(execute=True):
        synonyms_changed()  # as an edit in the admin does
    assert queries(url) == warm + 1
    assert queries(url) == warm


def test_search_stays_within_budget_however_many_results(make_article):
    make_article()
    few = queries(f"{reverse('articles:search')}?q=condition")
    for _ in range(30):
        make_article()
    assert queries(f"{reverse('articles:search')}?q=condition") == few <= SEARCH_PAGE
