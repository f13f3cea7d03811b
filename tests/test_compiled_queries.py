"""Querysets compiled once per process (symptomdb.compiled): the same rows as the ORM gives,
with each call's values, and a refusal for shapes whose SQL a value would change."""

import datetime
import gc
import threading
import weakref

import pytest
from django.db import connection, connections
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Category, PublishedVersion
from articles.views import article_page_versions
from authors.models import Rating
from symptomdb.compiled import SHAPES_KEPT, CompiledQuery


def live_at(slug, now):
    return (
        PublishedVersion.objects.live(now)
        .select_related("author", "category")
        .with_comment_count()
        .filter(slug=slug)
    )


def described(versions):
    return [(v.pk, v.title, v.author.name, v.category.name, v.comment_count) for v in versions]


@pytest.fixture
def two_articles(make_article, make_comment):
    first = make_article(title="What causes a cough?")
    second = make_article(title="What causes a headache?")
    make_comment(first)
    return first, second


def test_a_compiled_query_answers_as_its_queryset_does(two_articles):
    compiled = CompiledQuery(PublishedVersion, live_at, slug=str, now=datetime.datetime)
    now = timezone.now()
    for article in two_articles:
        slug = article.published_versions.get().slug
        rows = compiled.fetch(slug=slug, now=now)
        assert described(rows) == described(live_at(slug, now))
        assert [row.pk for row in rows] == [article.published_versions.get().pk]
    assert described(compiled.fetch(slug=two_articles[0].slug, now=now))[0][-1] == 1


def test_each_call_sends_its_own_values(two_articles):
    compiled = CompiledQuery(PublishedVersion, live_at, slug=str, now=datetime.datetime)
    first, second = (article.published_versions.get() for article in two_articles)
    now = timezone.now()
    assert [row.pk for row in compiled.fetch(slug=first.slug, now=now)] == [first.pk]
    assert [row.pk for row in compiled.fetch(slug=second.slug, now=now)] == [second.pk]
    assert compiled.fetch(slug="no-such-article", now=now) == []
    # Before its publication the version is not live, as the ORM's own query says.
    before = first.live_from - datetime.timedelta(seconds=1)
    assert compiled.fetch(slug=first.slug, now=before) == []
    assert list(live_at(first.slug, before)) == []


def test_prefetches_run_after_the_compiled_query(make_article, django_assert_num_queries):
    article = make_article()

    def category_with_versions(slug):
        return Category.objects.filter(slug=slug).prefetch_related("articles")

    compiled = CompiledQuery(Category, category_with_versions, slug=str)
    compiled.fetch(slug=article.category.slug)  # compiled on the first call
    with django_assert_num_queries(2):
        [category] = compiled.fetch(slug=article.category.slug)
        assert [each.pk for each in category.articles.all()] == [article.pk]


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (lambda name: Category.objects.filter(name__icontains=name), "parameter of its own"),
        (lambda name: Category.objects.all(), "parameter of its own"),
        (lambda name: Category.objects.filter(name__in=name.split()), "parameter of its own"),
        (lambda name: Category.objects.filter(name=name.lower()), "parameter of its own"),
        (lambda name: Category.objects.filter(name=name.strip()), "parameter of its own"),
        (lambda name: Category.objects.filter(slug=slugify(name)), "parameter of its own"),
    ],
    ids=["inside a pattern", "not used", "a list made from it", "lowered", "stripped", "slug"],
)
def test_shapes_whose_sql_depends_on_a_value_are_refused(db, build, problem):
    with pytest.raises(ValueError, match=problem):
        CompiledQuery(Category, build, name=str).fetch(name="Lungs")


def test_a_slice_computed_from_a_value_is_refused(db):
    compiled = CompiledQuery(Category, lambda count: Category.objects.all()[:count], count=int)
    with pytest.raises(ValueError, match="changes with count"):
        compiled.fetch(count=3)


def test_values_must_be_the_ones_named_and_of_their_type(db):
    compiled = CompiledQuery(Category, lambda slug: Category.objects.filter(slug=slug), slug=str)
    with pytest.raises(TypeError, match="slug must be of type str"):
        compiled.fetch(slug=3)
    with pytest.raises(TypeError, match="Expected the values"):
        compiled.fetch(name="lungs")
    with pytest.raises(TypeError, match="cannot be compiled"):
        CompiledQuery(Category, lambda day: Category.objects.all(), day=datetime.date)


@pytest.mark.django_db(transaction=True)
def test_each_thread_runs_it_on_its_own_connection(make_article):
    version = make_article().published_versions.get()
    compiled = CompiledQuery(PublishedVersion, live_at, slug=str, now=datetime.datetime)
    compiled.fetch(slug=version.slug, now=timezone.now())  # compiled by this thread
    found, connections_used = [], []

    def read():
        try:
            found.extend(compiled.fetch(slug=version.slug, now=timezone.now()))
            connections_used.append(connection.connection)
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert [row.pk for row in found] == [version.pk]
    assert connections_used[0] is not connection.connection


def converted(version):
    """Columns the database hands back raw (times, JSON, on SQLite: text) as Python reads them."""
    return (version.live_from, version.created_at, version.sections, version.references)


@pytest.mark.django_db(transaction=True)
def test_every_call_on_every_connection_converts_its_columns(make_article):
    version = make_article(sections=2).published_versions.get()
    expected = converted(PublishedVersion.objects.get(pk=version.pk))
    assert expected[0].tzinfo is not None  # an aware datetime
    assert len(expected[2]) == 2  # the sections, a list
    compiled = CompiledQuery(PublishedVersion, live_at, slug=str, now=datetime.datetime)
    for _ in range(3):  # converters found once, then remembered
        (row,) = compiled.fetch(slug=version.slug, now=timezone.now())
        assert converted(row) == expected
    found, used = [], []

    def read():
        try:
            found.extend(compiled.fetch(slug=version.slug, now=timezone.now()))
            used.append(weakref.ref(connections["default"]))
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert [converted(row) for row in found] == [expected]
    # What the thread's connection found is kept with it, and goes with it.
    gc.collect()
    assert used[0]() is None


def test_shaped_values_are_compiled_in_each_shape_on_its_own(db):
    names = [f"Category {letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    for name in names:
        Category.objects.create(name=name, slug=name.lower().replace(" ", "-"))

    def named_after(name, start, stop):
        return Category.objects.filter(name__gt=name).order_by("name")[start:stop]

    compiled = CompiledQuery(Category, named_after, name=str, shaped=("start", "stop"))
    for start in range(0, 26, 3):
        rows = compiled.fetch(name="Category", start=start, stop=start + 3)
        assert [row.name for row in rows] == names[start : start + 3]
    assert compiled.fetch(name="Category", start=4, stop=4) == []  # no SQL at all
    assert compiled.fetch(name="Nothing", start=0, stop=3) == []
    # A crawler walking every page makes a process keep only the last few compilations.
    for start in range(40):
        compiled.fetch(name="Category", start=start, stop=start + 1)
    assert len(compiled._compiled) == SHAPES_KEPT
    with pytest.raises(TypeError, match="start must be of type int"):
        compiled.fetch(name="Category", start="0", stop=3)


def test_small_integer_columns_get_their_values(author, rate):
    rate(author, 4, 1)
    rate(author, 2, 2)
    compiled = CompiledQuery(Rating, lambda score: Rating.objects.filter(score=score), score=int)
    for score in (4, 2, 5):
        assert compiled.fetch(score=score) == list(Rating.objects.filter(score=score))
    assert len(compiled.fetch(score=4)) == 1


def test_a_query_whose_emptiness_depends_on_a_value_is_refused(db):
    # Django knows without asking that `pk IN ()` has no row: the compiled query must not take
    # that for the answer whatever the value.
    def only_odd(number):
        return Rating.objects.filter(pk__in=[number] if number % 4 == 1 else [])

    with pytest.raises(ValueError, match="depends on a value"):
        CompiledQuery(Rating, only_odd, number=int).fetch(number=7)


def test_without_time_zones_too(make_article, settings):
    version = make_article().published_versions.get()
    settings.USE_TZ = False
    compiled = CompiledQuery(
        PublishedVersion, article_page_versions, slug=str, now=datetime.datetime
    )
    now = timezone.now()
    assert [row.pk for row in compiled.fetch(slug=version.slug, now=now)] == [version.pk]
    assert list(article_page_versions(version.slug, now)) == [version]
