"""Feeds, sitemap and robots.txt: well-formed XML listing only what readers may see."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.sitemaps import ArticleSitemap

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_xml(content):
    """Parse the site's own feed or sitemap; a malformed document raises ParseError."""
    return ET.fromstring(content)  # noqa: S314 - our own output, not untrusted input


@pytest.fixture
def mixed_articles(make_article):
    """One published, one draft and one scheduled article."""
    return {
        "published": make_article(title="What is a published condition?"),
        "draft": make_article(published=False, title="What is a draft condition?"),
        "future": make_article(
            title="What is a future condition?", live_from=timezone.now() + timedelta(days=2)
        ),
    }


def test_rss_feed_parses_and_lists_only_published_articles(client, mixed_articles):
    response = client.get(reverse("articles:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse_xml(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == [mixed_articles["published"].title]
    link = channel.find("item").findtext("link")
    assert link == "http://testserver" + mixed_articles["published"].get_absolute_url()


def test_atom_feed_parses_and_lists_only_published_articles(client, mixed_articles):
    response = client.get(reverse("articles:atom_feed"))
    assert response.status_code == 200
    feed = parse_xml(response.content)
    assert feed.tag == f"{ATOM}feed"
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert titles == [mixed_articles["published"].title]
    assert feed.find(f"{ATOM}entry").findtext(f"{ATOM}author/{ATOM}name") == "Ada Byline, MD"


def test_author_feed_lists_only_that_authors_published_articles(
    client, mixed_articles, seed_article
):
    response = client.get(reverse("authors:feed", args=[seed_article.author.slug]))
    assert response.status_code == 200
    channel = parse_xml(response.content).find("channel")
    assert [item.findtext("title") for item in channel.findall("item")] == [seed_article.title]
    assert "Haroon Rashid, MD" in channel.findtext("title")
    assert client.get(reverse("authors:feed", args=["nobody"])).status_code == 404


def test_feed_text_with_markup_stays_well_formed(client, make_article):
    make_article(title="What is </title><script>alert(1)</script> & more?")
    channel = parse_xml(client.get(reverse("articles:feed")).content).find("channel")
    assert channel.find("item").findtext("title").startswith("What is </title><script>")


def test_control_characters_in_a_title_are_left_out_of_the_feeds(client, make_article, author):
    """XML 1.0 cannot hold them; an imported title or name may."""
    make_article(title="What is \x01 bad \x1b text?")
    type(author).objects.filter(pk=author.pk).update(name="Ada \x02 Byline")
    for url in ("articles:feed", "articles:atom_feed"):
        response = client.get(reverse(url))
        assert response.status_code == 200
        assert b"What is  bad  text?" in response.content
    feed = client.get(reverse("authors:feed", args=[author.slug]))
    assert feed.status_code == 200
    assert "by Ada  Byline" in parse_xml(feed.content).find("channel").findtext("title")


def sitemap_urls(client):
    """{address: lastmod} of every file the sitemap index lists, checking each file's entry."""
    index = client.get(reverse("articles:sitemap"))
    assert index.status_code == 200
    urls = {}
    for entry in parse_xml(index.content).findall(f"{SITEMAP}sitemap"):
        assert entry.findtext(f"{SITEMAP}lastmod")
        response = client.get(entry.findtext(f"{SITEMAP}loc"))
        assert response.status_code == 200
        for url in parse_xml(response.content).findall(f"{SITEMAP}url"):
            address = url.findtext(f"{SITEMAP}loc")
            assert address not in urls
            urls[address] = url.findtext(f"{SITEMAP}lastmod")
    return urls


def test_sitemap_lists_published_articles_categories_and_authors_with_lastmod(
    client, mixed_articles, seed_article
):
    urls = sitemap_urls(client)

    host = "http://testserver"
    expected = {
        host + mixed_articles["published"].get_absolute_url(),
        host + seed_article.get_absolute_url(),
        host + seed_article.category.get_absolute_url(),
        host + seed_article.author.get_absolute_url(),
        host + mixed_articles["published"].author.get_absolute_url(),
    }
    assert set(urls) == expected
    assert all(urls.values())
    for hidden in ("draft", "future"):
        assert host + mixed_articles[hidden].get_absolute_url() not in urls


def test_the_sitemap_lists_every_article_in_files_of_bounded_size(
    client, make_article, monkeypatch
):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = [make_article() for _ in range(5)]

    index = parse_xml(client.get(reverse("articles:sitemap")).content)

    files = [entry.findtext(f"{SITEMAP}loc") for entry in index.findall(f"{SITEMAP}sitemap")]
    section = "http://testserver" + reverse("articles:sitemap_section", args=["articles"])
    assert [name for name in files if name.startswith(section)] == [
        section,
        section + "?p=2",
        section + "?p=3",
    ]
    listed = set(sitemap_urls(client))
    assert {"http://testserver" + a.get_absolute_url() for a in articles} <= listed
    assert client.get(section, {"p": 4}).status_code == 404
    assert client.get(reverse("articles:sitemap_section", args=["drafts"])).status_code == 404


@pytest.mark.parametrize("page", ["01", "+1", "1.0", "\u0661", "0"])
def test_a_sitemap_page_is_written_one_way_only(client, make_article, page):
    """Each other spelling would be one more page to cache."""
    make_article()
    url = reverse("articles:sitemap_section", args=["articles"])
    assert client.get(url, {"p": "1"}).status_code == 200
    assert client.get(url, {"p": page}).status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/conditions/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert client.head("/robots.txt").status_code == 200
    assert client.post("/robots.txt").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        reverse("articles:feed"),
        reverse("articles:atom_feed"),
        reverse("articles:sitemap"),
        reverse("articles:sitemap_section", args=["articles"]),
        reverse("authors:feed", args=["ada-byline"]),
    ],
)
def test_feed_and_sitemap_query_counts_do_not_grow_with_articles(make_article, count_queries, url):
    make_article()
    few = count_queries(url)
    for _ in range(8):
        make_article()
    assert count_queries(url) == few


@pytest.mark.parametrize(
    "url", ["articles:feed", "articles:atom_feed", "articles:sitemap", "authors:feed"]
)
def test_feeds_and_the_sitemap_answer_only_get_and_head(client, seed_article, url):
    address = reverse(url, args=[seed_article.author.slug] if url == "authors:feed" else [])
    assert client.get(address).status_code == 200
    assert client.head(address).status_code == 200
    for method in ("post", "put", "delete", "trace"):
        assert getattr(client, method)(address).status_code == 405


def test_author_page_links_to_the_author_feed(client, seed_article):
    page = client.get(seed_article.author.get_absolute_url()).content.decode()
    feed = reverse("authors:feed", args=[seed_article.author.slug])
    assert f'type="application/rss+xml" title="Articles by Haroon Rashid" href="{feed}"' in page
