"""Anonymous pages come from the cache under a key of what they show: any change readers would
see (a publication, a scheduled time arriving, an approved comment, a rating, a renamed author)
shows at once, per-reader pieces are never shared, and repeat visits get a 304."""

import html
import re
import time
from datetime import timedelta

import psycopg
import pytest
import time_machine
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import page_cache, workflow
from articles.models import Category, PublishedVersion, Section
from articles.page_generation import NOTIFY_CHANNEL, watcher
from authors.models import Affiliation, AuthorAffiliation
from comments import moderation
from comments.forms import form_token_now
from comments.models import Comment
from comments.section import placeholder_secret, started_placeholder
from tests.factories import publish, signed_in_client, staff_user
from tests.markers import needs_postgres
from tests.processes import fetch_in_subprocess, run_manage, run_python
from tests.queries import count_queries
from tests.stack import database_url

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')


def page(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code in {200, 304}, url
    return response


def test_a_cached_page_costs_one_query_however_big_it_is(make_article, make_comment):
    article = make_article(
        sections=40, extra_sections=[("Symptoms", "- Joint stiffness", "symptoms")]
    )
    for number in range(30):
        make_comment(article, body=f"Comment {number}")
    urls = [
        article.get_absolute_url(),
        "/",
        reverse("articles:index"),
        article.category.get_absolute_url(),
        article.author.get_absolute_url(),
        reverse("articles:symptoms"),
        reverse("articles:symptom", args=["joint-stiffness"]),
        reverse("articles:feed"),
        reverse("articles:sitemap"),
    ]
    reader = Client()
    for url in urls:
        count_queries(reader, url)  # the first reader renders and stores the shared page
    for url in urls:
        queries, _ = count_queries(Client(), url)
        # The generation numbers: the stamp and the page come from this process's memory.
        assert queries == 1, url
    assert "Comment 29" in count_queries(Client(), article.get_absolute_url())[1]


@pytest.mark.parametrize(
    "query",
    ["cachebust=1", "page=2&x=1", "utm_source=newsletter"],
)
def test_made_up_parameters_are_answered_but_never_stored(make_article, query):
    """Each would otherwise be one more stored page: anyone could fill the cache."""
    article = make_article()
    urls = ["/", reverse("articles:sitemap"), article.get_absolute_url()]
    for url in urls:
        count_queries(Client(), url)
        stored = set(page_cache.local_pages.entries)
        response = Client().get(f"{url}?{query}")
        assert response.status_code in {200, 404}, url
        assert set(page_cache.local_pages.entries) == stored, url
    # Parameters a page does vary by are stored, once each.
    Client().get("/", {"page": 1})
    assert len(page_cache.local_pages.entries) == len(stored) + 1


def test_a_page_of_comments_past_the_last_is_not_found(make_article, make_comment, settings):
    article = make_article()
    for number in range(settings.COMMENTS_PER_PAGE + 1):
        make_comment(article, body=f"Comment {number}")
    url = article.get_absolute_url()
    assert Client().get(url, {"comments": 2}).status_code == 200
    assert "Comment 0" not in Client().get(url, {"comments": "last"}).text
    for beyond in (3, 999_999):
        assert Client().get(url, {"comments": beyond}).status_code == 404


def test_each_reader_gets_their_own_csrf_token_and_form_time_and_their_post_works(make_article):
    article = make_article()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page(first, article.get_absolute_url())
    one = page(first, article.get_absolute_url()).content.decode()
    # The form's time is in whole seconds: a reader a second later has a form of their own.
    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        two = page(second, article.get_absolute_url()).content.decode()
    assert "__SDB" not in one
    assert CSRF.search(one).group(1) != CSRF.search(two).group(1)
    assert STARTED.search(one).group(1) != STARTED.search(two).group(1)
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        response = second.post(
            article.get_absolute_url(),
            {
                "name": "Second Reader",
                "email": "second@example.org",
                "body": "Posted from a cached page.",
                "started": STARTED.search(two).group(1),
                "csrfmiddlewaretoken": CSRF.search(two).group(1),
            },
        )
    assert response.status_code == 302
    assert Comment.objects.get().body == "Posted from a cached page."


def test_a_new_published_version_shows_at_once(make_article):
    article = make_article()
    reader = Client()
    assert "Paragraph 1." in page(reader, article.get_absolute_url()).content.decode()
    Section.objects.filter(article=article, position=1).update(body="A reviewed correction.")
    assert "Paragraph 1." in page(reader, article.get_absolute_url()).content.decode()
    publish(article, note="Corrected")
    text = page(reader, article.get_absolute_url()).content.decode()
    assert "A reviewed correction." in text
    assert "Corrected" in text


def test_a_scheduled_version_and_article_appear_when_their_time_comes(make_article):
    live = make_article(title="What is already live?")
    Section.objects.filter(article=live, position=1).update(body="The scheduled wording.")
    at = timezone.now() + timedelta(hours=1)
    publish(live, at=at, note="Scheduled")
    newcomer = make_article(title="What comes later?", live_from=at)
    reader = Client()
    assert "The scheduled wording." not in page(reader, live.get_absolute_url()).content.decode()
    assert "What comes later?" not in page(reader, "/").content.decode()
    with time_machine.travel(at + timedelta(seconds=1)):
        assert "The scheduled wording." in page(reader, live.get_absolute_url()).content.decode()
        assert "What comes later?" in page(reader, "/").content.decode()
        assert reader.get(newcomer.get_absolute_url()).status_code == 200


def test_unpublishing_removes_the_page_and_the_lists_entry_at_once(make_article):
    article = make_article(title="What goes away?")
    reader = Client()
    assert "What goes away?" in page(reader, "/").content.decode()
    page(reader, article.get_absolute_url())
    workflow.unpublish(article, by=staff_user("edna", "Editors"))
    assert reader.get(article.get_absolute_url()).status_code == 404
    assert "What goes away?" not in page(reader, "/").content.decode()


def test_an_approved_comment_and_a_rating_show_at_once(make_article, make_comment, rate_many):
    article = make_article()
    reader = Client()
    page(reader, article.get_absolute_url())
    comment = make_comment(article, status=Comment.Status.PENDING, body="Approved just now.")
    moderation.approve(comment, by=staff_user("mo", "Moderators"))
    text = page(reader, article.get_absolute_url()).content.decode()
    assert "Approved just now." in text
    before = page(reader, article.author.get_absolute_url()).content.decode()
    rate_many(article.author, {5: 4})
    after = page(reader, article.author.get_absolute_url()).content.decode()
    assert before != after
    assert "4 ratings" in after or "4 rating" in after


def test_an_authors_new_credentials_and_a_renamed_category_show_at_once(make_article):
    article = make_article()
    reader = Client()
    page(reader, article.get_absolute_url())
    page(reader, "/")
    author = article.author
    author.credentials = "MD, PhD"
    author.save()
    Category.objects.filter(pk=article.category_id).update(name="Conditions A to Z")
    Category.objects.get(pk=article.category_id).save()  # the admin saves the row
    text = page(reader, article.get_absolute_url()).content.decode()
    assert "Ada Byline, MD, PhD" in text
    assert "Conditions A to Z" in text
    assert "Conditions A to Z" in page(reader, "/").content.decode()


def test_a_renamed_place_and_a_new_primary_place_show_at_once(make_article):
    """Bylines show the author's primary place; its name and the link have no time of change
    of their own, and must still move the pages on."""
    article = make_article()
    author = article.author
    reader = Client()
    for url in [article.get_absolute_url(), author.get_absolute_url()]:
        assert "General Clinic" in page(reader, url).text
    place = Affiliation.objects.get(name="General Clinic")
    place.name = "General Hospital"
    place.save()
    for url in [article.get_absolute_url(), author.get_absolute_url()]:
        assert "General Hospital" in page(reader, url).text, url
    # The admin's inline: another place made primary, the old link deleted.
    other = Affiliation.objects.create(name="Teaching Hospital", city="York")
    AuthorAffiliation.objects.filter(author=author).delete()
    AuthorAffiliation.objects.create(author=author, affiliation=other, is_primary=True)
    text = page(reader, article.get_absolute_url()).text
    assert "Teaching Hospital" in text
    assert "General Hospital" not in text


def test_what_the_date_alone_changes_shows_on_its_day(make_article, settings):
    """A review falling due and comments closing with age change the page with nothing
    written: the cached page must follow them as it follows a scheduled publication."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    today = timezone.localdate()
    article = make_article(reviewed_on=today)
    url = article.get_absolute_url()
    reader = Client()
    first = page(reader, url).text
    assert "This page is due for review" not in first
    assert 'id="comment-form"' in first
    months = settings.REVIEW_INTERVAL_MONTHS
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        closed = page(reader, url).text
        assert 'id="comment-form"' not in closed
        assert "This page is due for review" not in closed
    due = timezone.now() + timedelta(days=31 * months + 1)
    with time_machine.travel(due):
        assert "This page is due for review" in page(reader, url).text


def test_a_related_list_computed_after_a_publication_shows_at_once(make_article, run_tasks):
    first = make_article(title="What is first?")
    run_tasks()
    reader = Client()
    page(reader, first.get_absolute_url())
    make_article(title="What is in the same category?")  # its publication queues the lists
    assert "What is in the same category?" not in related_list(reader, first)
    run_tasks()
    assert "What is in the same category?" in related_list(reader, first)


def related_list(client, article):
    text = page(client, article.get_absolute_url()).content.decode()
    start = text.find("Related articles")
    return text[start:] if start >= 0 else ""


def test_a_change_made_outside_the_sites_functions_shows_at_once(make_article):
    """A bulk update from a shell or a script changes the database's generation numbers too."""
    article = make_article(title="What does an operator take down?")
    reader = Client()
    page(reader, article.get_absolute_url())
    assert "What does an operator take down?" in page(reader, "/").content.decode()
    article.published_versions.update(live_until=timezone.now())
    assert reader.get(article.get_absolute_url()).status_code == 404
    assert "What does an operator take down?" not in page(reader, "/").content.decode()


def test_a_repeat_visit_gets_a_304_until_the_page_changes(make_article):
    article = make_article()
    reader = Client()
    first = page(reader, article.get_absolute_url())
    assert first["Cache-Control"] == "private, no-cache"
    assert "Last-Modified" in first
    again = reader.get(article.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    publish(article, note="Changed")  # same text, a new version and review
    changed = reader.get(article.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_a_kept_page_with_forms_is_sent_anew_once_its_form_would_be_refused(make_article, settings):
    """A 304 would keep the reader's old page: its comment form's time, which the form refuses
    after COMMENTS_FORM_MAX_AGE_SECONDS, and its CSRF token, which another cookie refuses."""
    url = make_article().get_absolute_url()
    reader = Client()
    first = page(reader, url)
    kept = {"If-None-Match": first["ETag"]}
    assert reader.get(url, headers=kept).status_code == 304
    later = timezone.now() + timedelta(seconds=settings.COMMENTS_FORM_MAX_AGE_SECONDS)
    with time_machine.travel(later, tick=False):
        anew = reader.get(url, headers=kept)
        assert anew.status_code == 200
        assert STARTED.search(anew.text).group(1) != STARTED.search(first.text).group(1)
    other_cookie = Client()
    other_cookie.cookies["csrftoken"] = "x" * 32
    assert other_cookie.get(url, headers=kept).status_code == 200


def test_a_page_rendered_for_one_reader_is_kept_by_no_shared_cache(make_article):
    article = make_article()
    editor = signed_in_client(staff_user("edna", "Editors"))
    for url in [article.get_absolute_url(), "/", reverse("articles:search") + "?q=pain"]:
        assert editor.get(url)["Cache-Control"] == "private, no-cache", url


def test_lists_may_be_kept_by_a_proxy_for_a_minute(make_article, settings):
    make_article()
    home = page(Client(), "/")
    assert home["Cache-Control"] == f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    assert "Cookie" in home["Vary"]
    assert "Set-Cookie" not in home.headers
    again = Client().get("/", headers={"If-None-Match": home["ETag"]})
    assert again.status_code == 304


def test_signed_in_staff_and_readers_with_a_message_get_their_own_page(make_article):
    article = make_article()
    Client().get(article.get_absolute_url())
    editor = signed_in_client(staff_user("edna", "Editors"))
    queries, text = count_queries(editor, article.get_absolute_url())
    assert queries > 1  # rendered for them, not from the shared entry
    assert "Staff accounts do not rate authors" in text
    assert (
        "Staff accounts do not rate authors"
        not in Client().get(article.get_absolute_url()).content.decode()
    )


@needs_postgres("SQLite has no server to drop a connection")
@pytest.mark.django_db(transaction=True)
def test_a_cached_page_answers_after_the_database_drops_the_connection(make_article):
    """The generation query stands in for Django's connection health check: after a database
    restart, the first reader still gets the page, from a new connection."""
    article = make_article()
    reader = Client()
    first = reader.get(article.get_absolute_url())
    assert first.status_code == 200
    dropped = connection.connection.info.backend_pid
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
    again = reader.get(article.get_absolute_url())
    assert again.status_code == 200
    assert again["ETag"] == first["ETag"]  # the same page, from the cache
    assert connection.connection.info.backend_pid != dropped


@needs_postgres("SQLite has no server to drop a connection")
@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_anew_answers_after_the_database_drops_the_connection(
    make_article, settings
):
    """The health check (symptomdb/postgresql/base.py) asks PostgreSQL nothing while the
    connection is well, and still sees one the server closed: the reader gets the page."""
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article()
    reader = Client()
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert reader.get(article.get_absolute_url()).status_code == 200
    kept = connection.connection.info.backend_pid
    with psycopg.connect(database_url(), autocommit=True) as other:
        # Waits (up to 5 s) until the connection's process has gone.
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [kept])
    # As a server's handler does when each request starts (the test client leaves it out).
    close_old_connections()
    again = reader.get(article.get_absolute_url())
    assert again.status_code == 200
    assert article.title in again.content.decode()
    assert connection.connection.info.backend_pid != kept


def test_each_allowed_host_gets_pages_that_name_it(make_article, settings):
    """A page rendered for one address is never served with its absolute URLs to another."""
    settings.ALLOWED_HOSTS = ["www.example.org", "internal.example"]
    article = make_article()
    internal = Client(headers={"host": "internal.example:8000"})
    assert internal.get(article.get_absolute_url()).status_code == 200
    public = Client(headers={"host": "www.example.org"}).get(article.get_absolute_url())
    assert public.status_code == 200
    canonical = f"http://www.example.org{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in public.content.decode()
    assert "internal.example" not in public.content.decode()


def listening(test):
    """Tests of the process listening for the triggers' notifications, which PostgreSQL sends
    when a transaction commits: each test's writes are committed."""
    test = pytest.mark.django_db(transaction=True)(test)
    return needs_postgres("the triggers notify listeners on PostgreSQL")(test)


def remembered(url):
    """Render and store the page, then read and remember its stamp and generation numbers: the
    page as every later reader of this process gets it."""
    for _ in range(2):
        page(Client(), url)


@pytest.fixture
def quiet_article(make_article):
    """An article whose page this process has stored, its stamp and numbers remembered."""
    article = make_article()
    remembered(article.get_absolute_url())
    return article


def committed_elsewhere(sql, params=()):
    """A write another process commits (an editor's server, a shell, psql)."""
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute(sql, params)


def rename_author(article, credentials):
    committed_elsewhere(
        "UPDATE authors_author SET credentials = %s, updated_at = now() WHERE id = %s",
        [credentials, article.author_id],
    )


def shows_within(client, url, text, seconds):
    """Whether the page shows ``text`` within ``seconds``: the time the database takes to
    tell this process, not the recheck's."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in client.get(url).content.decode():
            return True
        time.sleep(0.005)
    return False


@listening
def test_while_nothing_changes_a_cached_page_costs_no_query_and_a_commit_anywhere_shows(
    quiet_article, settings
):
    settings.PAGE_GENERATION_RECHECK_SECONDS = 60  # only a notification can tell
    url = quiet_article.get_absolute_url()
    queries, _ = count_queries(Client(), url)
    assert queries == 0
    rename_author(quiet_article, "MD, FRCP")
    assert shows_within(Client(), url, "MD, FRCP", seconds=0.5)
    page(Client(), url)  # the new page was rendered by the view: the numbers are read once
    assert count_queries(Client(), url)[0] == 0


@listening
def test_a_lost_listening_connection_costs_a_query_never_a_stale_page(quiet_article, settings):
    settings.PAGE_GENERATION_RECHECK_SECONDS = 60
    url = quiet_article.get_absolute_url()
    committed_elsewhere(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
        "WHERE query = %s AND datname = current_database()",
        [f"LISTEN {NOTIFY_CHANNEL}"],
    )
    rename_author(quiet_article, "MD, PhD (hon.)")
    assert "MD, PhD (hon.)" in page(Client(), url).content.decode()
    # Listening again: the next change shows too, and quiet pages cost nothing.
    rename_author(quiet_article, "MD, MSc")
    assert shows_within(Client(), url, "MD, MSc", seconds=0.5)
    page(Client(), url)
    assert count_queries(Client(), url)[0] == 0


@listening
def test_if_notifications_stop_coming_a_change_shows_within_the_recheck(quiet_article, settings):
    settings.PAGE_GENERATION_RECHECK_SECONDS = 0.2
    url = quiet_article.get_absolute_url()
    # As a connection pooler that does not pass notifications on would.
    watcher.listener.execute(f"UNLISTEN {NOTIFY_CHANNEL}")
    rename_author(quiet_article, "MD, DSc")
    assert shows_within(Client(), url, "MD, DSc", seconds=1)


@listening
def test_listening_works_with_the_connection_options_the_database_url_sets(
    make_article, monkeypatch
):
    """DATABASE_URL=...?connect_timeout=5 puts it in OPTIONS: the listener takes it too."""
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "connect_timeout", 5)
    article = make_article()
    remembered(article.get_absolute_url())
    assert count_queries(Client(), article.get_absolute_url())[0] == 0


@listening
def test_after_a_view_answered_this_process_reads_the_numbers_again(quiet_article, settings):
    """A view may have written, and its own commit may notify this process a moment later."""
    settings.PAGE_GENERATION_RECHECK_SECONDS = 60
    url = quiet_article.get_absolute_url()
    assert Client().get(reverse("articles:search"), {"q": "condition"}).status_code == 200
    assert count_queries(Client(), url)[0] == 1
    assert count_queries(Client(), url)[0] == 0


@listening
def test_with_listening_off_every_cached_page_reads_the_numbers(quiet_article, settings):
    settings.PAGE_CACHE_LISTEN = False
    assert count_queries(Client(), quiet_article.get_absolute_url())[0] == 1


def test_with_the_page_cache_off_pages_are_rendered_every_time(make_article, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article()
    response = Client().get(article.get_absolute_url())
    assert "ETag" not in response
    assert count_queries(Client(), article.get_absolute_url())[0] > 1


@pytest.mark.slow  # migrates the database back and forth
def test_the_triggers_survive_a_migration_that_rebuilds_a_table(tmp_path):
    """SQLite alters a table by rebuilding it, which drops its triggers: every migrate puts
    them back, and until then the server is not ready."""
    url = f"sqlite:///{tmp_path / 'rebuilt.sqlite3'}"
    assert run_manage("migrate", "--no-input", DATABASE_URL=url).returncode == 0
    drop = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from articles.page_generation import missing_triggers\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('DROP TRIGGER articles_article_page_generation_update')\n"
        "print(missing_triggers(connection))\n"
    )
    dropped = run_python(drop, DATABASE_URL=url)
    assert "['articles_article']" in dropped.stdout
    pages, _ = fetch_in_subprocess(["/readyz"], DATABASE_URL=url)
    assert pages["/readyz"][0] == 503
    assert run_manage("migrate", "--no-input", DATABASE_URL=url).returncode == 0
    pages, _ = fetch_in_subprocess(["/readyz"], DATABASE_URL=url)
    assert pages["/readyz"][0] == 200


def test_a_new_release_never_serves_pages_the_previous_one_rendered(monkeypatch):
    """Templates or migrations that changed live rows: the cache keys change with the code."""
    from articles.page_cache import key_for
    from symptomdb.release import release_id

    monkeypatch.setenv("DJANGO_RELEASE", "release-1")
    release_id.cache_clear()
    before = key_for("article", ("stamp",), "/articles/x/")
    monkeypatch.setenv("DJANGO_RELEASE", "release-2")
    release_id.cache_clear()
    after = key_for("article", ("stamp",), "/articles/x/")
    monkeypatch.delenv("DJANGO_RELEASE")
    release_id.cache_clear()
    assert before != after
    assert key_for("article", ("stamp",), "/articles/x/") not in {before, after}


@pytest.mark.parametrize("where", ["comment", "search"])
def test_readers_cannot_plant_the_placeholders_of_other_readers_tokens(
    where, seed_article, make_comment
):
    """Words that look like the shared page's placeholders reach other readers as they were
    written, never filled in with those readers' CSRF token or form time."""
    version = PublishedVersion.objects.live().get(article=seed_article)
    planted = f"ref=__SDB_CSRF_TOKEN__ and __SDB_FORM_STARTED_{seed_article.pk}__"
    if where == "comment":
        make_comment(seed_article, body=f"Read more: {planted}")
        url = version.get_absolute_url()
    else:
        url = f"{reverse('articles:search')}?{urlencode({'q': planted})}"
    Client().get(url)  # stores the page every anonymous reader shares
    shown = page(Client(), url).text
    assert planted in html.unescape(shown)
    fields = CSRF.findall(shown)
    for token in fields:
        assert shown.count(token) == len(fields)  # in the forms' fields only
    # The placeholders' secret never reaches a reader, so theirs cannot be planted either.
    assert placeholder_secret() not in shown
    assert placeholder_secret() not in page(Client(), version.get_absolute_url()).text


def filled_by_searching(html, csrf_token, reader_rating):
    """The reader's pieces put in by replacing in the whole page: what the page cache did
    before it cut pages once (``SharedPage``), kept here as the reference."""
    csrf, started = page_cache._placeholders()
    if csrf_token is not None:
        html = html.replace(csrf, csrf_token.encode())
    html = started.sub(lambda match: form_token_now(match.group(1)).encode(), html)
    if reader_rating is not None:
        opening, closing = page_cache.RATING_START.encode(), page_cache.RATING_END.encode()
        start, end = html.find(opening), html.find(closing)
        if start >= 0 and end > start:
            html = html[:start] + reader_rating.encode() + html[end + len(closing) :]
    return html


@hypothesis_settings(max_examples=300)
@given(
    pieces=st.lists(
        st.one_of(
            st.text(alphabet="<>!-/_ abc\n", max_size=12),
            st.sampled_from(["CSRF", "RATING", "END"]),
            st.integers(min_value=1, max_value=99_999),
        ),
        max_size=20,
    ),
    csrf_token=st.none() | st.text(alphabet="abcXYZ019", min_size=1, max_size=64),
    reader_rating=st.none() | st.text(max_size=30),
)
def test_a_cut_page_fills_in_as_replacing_in_the_whole_page_did(pieces, csrf_token, reader_rating):
    """Any mix of text, CSRF placeholders, form-time placeholders and rating markers, in any
    order (a marker repeated, an end before a start), comes out the same."""
    csrf = page_cache._placeholders()[0].decode()
    words = {"CSRF": csrf, "RATING": page_cache.RATING_START, "END": page_cache.RATING_END}
    html = "".join(
        started_placeholder(piece) if isinstance(piece, int) else words.get(piece, piece)
        for piece in pieces
    ).encode()
    with time_machine.travel(timezone.now(), tick=False):
        expected = filled_by_searching(html, csrf_token, reader_rating)
        assert (
            page_cache.SharedPage(html).fill(csrf_token=csrf_token, reader_rating=reader_rating)
            == expected
        )
