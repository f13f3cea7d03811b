"""The plain-text importer: the seed's structure, re-imports, robustness and bad files."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from articles.importer import ArticleFileError, parse_article
from articles.models import Article, Category, PublishedVersion, Section
from authors.models import Affiliation, Author
from tests import factories

from .helpers import SEED_HEADINGS, SEED_TERMS, SEED_TITLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def publishing(db):
    """The options that publish through the medical review, with their editor and reviewer."""
    editor, reviewer = factories.publishing_editor(), factories.reviewing_clinician()
    return [
        "--publish",
        "--reviewer",
        reviewer.slug,
        "--editor",
        editor.username,
        "--note",
        "First version",
    ]


GOOD_ARTICLE = """What is a good test article?

Symptom Database

An intro paragraph.

Causes

Some causes:

- Cause one: described here.
- Cause two: described there.

Li Wei, MD, PhD
Rate author
Riverside Neurology Associates, Portland, OR
Add a comment
"""


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def database_snapshot():
    return (
        list(Article.objects.values_list("slug", "title", "intro", "status")),
        list(Section.objects.values_list("article__slug", "position", "heading", "body")),
        list(Author.objects.values_list("slug", "credentials")),
        list(Category.objects.values_list("slug")),
    )


def list_items(section):
    """The (term, text) pairs of every list item in a stored section's body."""
    items = []
    for line in section.body.splitlines():
        if line.startswith("- "):
            term, _, text = line[2:].partition(":** ")
            items.append((term.removeprefix("**"), text) if text else ("", line[2:]))
    return items


def test_seed_import_creates_the_article_with_its_structure(seed_article):
    assert seed_article.title == SEED_TITLE
    assert seed_article.category.name == "Symptom Database"
    assert seed_article.intro.startswith("Heterotopic calcifications, also known as")
    assert seed_article.conclusion.startswith("In conclusion, heterotopic calcifications")

    sections = list(seed_article.sections.order_by("position"))
    assert [s.heading for s in sections] == SEED_HEADINGS
    assert [s.kind for s in sections] == [
        "causes",
        "symptoms",
        "treatment",
        "prevention",
        "complications",
    ]
    for index, section in enumerate(sections[:4]):
        items = list_items(section)
        assert len(items) == 4, section.heading
        if index in SEED_TERMS:
            assert [term for term, _ in items] == SEED_TERMS[index]
    assert [text for _, text in list_items(sections[1])] == [
        "Pain and swelling in the affected area",
        "Restricted range of motion",
        "Joint stiffness",
        "Visible or palpable lumps or nodules",
    ]
    assert list_items(sections[4]) == []
    # The paragraph after the last section's text belongs to its section, not to the conclusion.
    assert "surgery carries its own risks" in sections[4].body
    assert "In conclusion" not in sections[4].body


def test_seed_byline_gives_author_credentials_and_affiliation(seed_article):
    author = seed_article.author
    assert author.name == "Haroon Rashid"
    assert author.credentials == "MD"
    affiliation = author.primary_affiliation
    assert affiliation.name == "Urgent Care Center of Arlington"
    assert affiliation.region == "VA"
    assert affiliation.city == ""


def test_a_new_file_naming_a_known_author_leaves_their_public_profile_as_it_is(
    client, tmp_path, seed_bytes, seed_article
):
    """Readers see the author's credentials and places on live pages: a draft's byline must
    not change them (editors change a profile in the admin)."""
    live = PublishedVersion.objects.live().get(article=seed_article)
    other = (
        seed_bytes.decode()
        .replace(SEED_TITLE, "What is a made-up condition?")
        .replace("Haroon Rashid, MD", "Haroon Rashid, MD, Board-certified in everything")
        .replace("Urgent Care Center of Arlington, VA", "Unheard-of Clinic, Nowhere, ZZ")
    )
    call_command("import_articles", str(write(tmp_path, "other.txt", other)))
    author = Author.objects.get(slug="haroon-rashid")
    assert Article.objects.get(title="What is a made-up condition?").author == author
    assert author.credentials == "MD"
    assert list(author.affiliation_links.values_list("affiliation__name", flat=True)) == [
        "Urgent Care Center of Arlington"
    ]
    page = client.get(live.get_absolute_url()).text
    assert "Board-certified" not in page
    assert "Unheard-of" not in page


def test_reimport_updates_in_place_and_never_duplicates(tmp_path, seed_bytes, seed_article):
    authors = Author.objects.count()
    call_command("import_articles", str(write(tmp_path, "seed.txt", seed_bytes)))
    assert Article.objects.count() == 1
    assert Section.objects.count() == 5
    assert Author.objects.count() == authors
    assert Affiliation.objects.count() == 1

    edited = seed_bytes.replace(b"Treatment Options", b"Treatment Choices")
    call_command("import_articles", str(write(tmp_path, "seed.txt", edited)))
    article = Article.objects.get()
    assert article.pk == seed_article.pk
    assert list(article.sections.values_list("heading", flat=True))[2] == "Treatment Choices"
    assert Section.objects.count() == 5
    # A draft revision of the live article: readers still see the reviewed headings.
    assert article.revisions.count() == 2
    live = article.published_versions.live().get()
    assert [section["heading"] for section in live.sections][2] == "Treatment Options"


def test_import_without_publish_makes_a_draft_and_publish_goes_through_review(
    tmp_path, client, publishing, capsys
):
    path = write(tmp_path, "good.txt", GOOD_ARTICLE)
    call_command("import_articles", str(path))
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404
    call_command("import_articles", str(path), *publishing)
    out = capsys.readouterr().out
    assert "published: reviewed by Vera Verifier, MD, published by test-editor" in out
    version = article.published_versions.live().get()
    assert version.reviewed_by.slug == "vera-verifier"
    assert version.change_note == "First version"
    assert list(article.events.values_list("action", flat=True).order_by("pk")) == [
        "submitted",
        "signed_off",
        "published",
    ]
    assert client.get(article.get_absolute_url()).status_code == 200
    # Importing the same file again publishes nothing new.
    call_command("import_articles", str(path), *publishing)
    assert article.published_versions.count() == 1


@pytest.mark.parametrize(
    "missing", [["--reviewer"], ["--editor"], ["--note"], ["--reviewer", "--editor", "--note"]]
)
def test_publish_without_a_reviewer_editor_and_note_is_refused(tmp_path, publishing, missing):
    path = write(tmp_path, "good.txt", GOOD_ARTICLE)
    options = list(publishing)
    for option in missing:
        index = options.index(option)
        del options[index : index + 2]
    with pytest.raises(CommandError, match="goes through the medical review"):
        call_command("import_articles", str(path), *options)
    assert not Article.objects.exists()


def test_publish_is_refused_when_the_reviewer_is_the_author(tmp_path, publishing, capsys):
    path = write(tmp_path, "good.txt", GOOD_ARTICLE)
    call_command("import_articles", str(path))
    author = Article.objects.get().author
    options = list(publishing)
    options[options.index("--reviewer") + 1] = author.slug
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import_articles", str(path), *options)
    assert "someone other than the author" in capsys.readouterr().err
    assert not Article.objects.get().published_versions.exists()


def test_credentials_are_everything_after_the_first_comma(db):
    parsed = parse_article(GOOD_ARTICLE.encode())
    assert parsed.author_name == "Li Wei"
    assert parsed.credentials == ["MD", "PhD"]
    assert parsed.affiliation.name == "Riverside Neurology Associates"
    assert parsed.affiliation.city == "Portland"
    assert parsed.affiliation.region == "OR"


def test_dry_run_prints_json_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, "good.txt", GOOD_ARTICLE)
    call_command("import_articles", str(path), "--dry-run")
    parsed = json.loads(capsys.readouterr().out)
    assert parsed[0]["title"] == "What is a good test article?"
    assert parsed[0]["sections"][0]["heading"] == "Causes"
    items = parsed[0]["sections"][0]["blocks"][1]["items"]
    assert items == [
        {"term": "Cause one", "text": "described here."},
        {"term": "Cause two", "text": "described there."},
    ]
    assert Article.objects.count() == 0
    assert Author.objects.count() == 0


def test_real_world_file_quirks_are_handled(tmp_path, client, publishing):
    messy = (
        "\ufeffWhat is Ünïcode & <angle> syndrome?  \r\n\r\nSymptom Database\t\r\n\r\n"
        "It affects R&D teams & <b>bold</b> people.\r\n\r\n"
        "Symptoms of the Syndrome\r\n\r\n"
        "\t* Ratio: often 3:1 in adults: rarely otherwise\r\n"
        "\t* A very long item that happens to contain a colon much later on in the text: yes\r\n"
        "\t1. Numbered step: first\r\n"
        "\t2. Second step\r\n\r\n"
        "José Núñez-Álvarez, MD, PhD \r\n"
        "Rate author\r\n"
        "Clínica São Paulo, São Paulo, SP\r\n"
        "Add a comment\r\n"
    )
    path = write(tmp_path, "messy.txt", messy.encode())
    call_command("import_articles", str(path), *publishing)

    article = Article.objects.get()
    assert article.title == "What is Ünïcode & <angle> syndrome?"
    assert article.author.name == "José Núñez-Álvarez"
    assert article.author.credentials == "MD, PhD"
    assert article.author.primary_affiliation.city == "São Paulo"
    section = article.sections.get()
    assert section.kind == "symptoms"

    page = client.get(article.get_absolute_url()).content.decode()
    assert "What is Ünïcode &amp; &lt;angle&gt; syndrome?" in page
    assert "R&amp;D teams &amp; &lt;b&gt;bold&lt;/b&gt; people." in page
    assert "<b>bold</b>" not in page
    assert "<strong>Ratio:</strong> often 3:1 in adults: rarely otherwise" in page
    assert "<li>A very long item that happens to contain a colon much later" in page
    assert "<ol>\n<li><strong>Numbered step:</strong> first</li>\n<li>Second step</li>" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n  \n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\xff\xfe\xfa broken", "not UTF-8"),
        (
            b"- a bullet is not a title\n\nSymptom Database\n\nName, MD\nRate author\n",
            "no title",
        ),
        (
            b"A title?\n\nSymptom Database\n\nOnly an intro paragraph.\n\n"
            b"Ann Lee, MD\nRate author\nClinic, VA\n",
            "no sections",
        ),
        (b"A title?\n\nSymptom Database\n\nIntro.\n\nCauses\n\nText.\n", "no byline"),
    ],
)
def test_bad_files_fail_with_a_message_and_leave_the_database_as_it_was(
    tmp_path, seed_article, capsys, content, message, publishing
):
    before = database_snapshot()
    path = write(tmp_path, "bad.txt", content)
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import_articles", str(path), *publishing)
    err = capsys.readouterr().err
    assert f"{path}:" in err
    assert message in err
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Li Wei, MD", "L" * 121 + ", MD", "the author's name must be at most 120 characters"),
        ("MD, PhD", "MD, " + "X" * 120, "the author's credentials must be at most 120"),
        ("Riverside", "R" * 201, "the affiliation's name must be at most 200 characters"),
        ("Symptom Database", "S" * 101, "line 3: the category label must be at most 100"),
    ],
)
def test_a_label_or_byline_longer_than_the_database_holds_is_refused_by_name(db, old, new, message):
    with pytest.raises(ArticleFileError, match=message):
        parse_article(GOOD_ARTICLE.replace(old, new).encode())


def test_an_import_finds_its_category_by_name_after_an_editor_changed_the_slug(tmp_path, db):
    Category.objects.create(name="Symptom Database", slug="symptoms-db")
    call_command("import_articles", str(write(tmp_path, "good.txt", GOOD_ARTICLE)))
    article = Article.objects.get()
    assert article.category.slug == "symptoms-db"
    assert Category.objects.count() == 1


def test_bad_file_reports_its_line(tmp_path, db, capsys):
    content = "A title?\n\n" + "x" * 300 + ".\n\nCauses\n\nText.\n\nAnn Lee, MD\nRate author\n"
    path = write(tmp_path, "bad.txt", content)
    with pytest.raises(CommandError):
        call_command("import_articles", str(path))
    assert f"{path}: line 3: the second line must be the category label" in capsys.readouterr().err


def test_unreadable_path_fails_and_good_files_in_the_same_run_still_import(tmp_path, capsys):
    good = write(tmp_path, "good.txt", GOOD_ARTICLE)
    empty = write(tmp_path, "empty.txt", b"")
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError, match="2 of 3 file"):
        call_command("import_articles", str(missing), str(empty), str(good))
    output = capsys.readouterr()
    assert f"{missing}: cannot read the file" in output.err
    assert f"{empty}: the file is empty" in output.err
    assert "1 created, 0 updated, 0 unchanged, 2 failed." in output.out
    assert Article.objects.get().title == "What is a good test article?"


def test_titles_and_names_without_latin_letters_get_stable_working_urls(
    tmp_path, client, publishing
):
    content = GOOD_ARTICLE.replace("What is a good test article?", "什么是偏头痛?").replace(
        "Li Wei, MD, PhD", "李伟, MD"
    )
    path = write(tmp_path, "zh.txt", content)
    call_command("import_articles", str(path), *publishing)
    call_command("import_articles", str(path), *publishing)  # found again by the same slug

    article = Article.objects.get()
    assert article.slug.startswith("x-")
    assert article.author.slug.startswith("x-")
    assert article.author.slug != article.slug
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "什么是偏头痛?" in page.content.decode()
    assert client.get(article.author.get_absolute_url()).status_code == 200


def test_the_command_refuses_an_oversized_file_unread_and_imports_the_rest(
    tmp_path, seed_bytes, settings
):
    big = write(tmp_path, "huge.txt", seed_bytes + b"x" * (settings.ARTICLE_IMPORT_MAX_BYTES))
    seed = write(tmp_path, "seed.txt", seed_bytes)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("import_articles", str(big), str(seed), stderr=errors, stdout=io.StringIO())
    assert "huge.txt: the file is" in errors.getvalue()
    assert "article files may be at most 200 kB." in errors.getvalue()
    assert Article.objects.count() == 1


def parse_or_refusal(data):
    """(the parsed article, "") or (None, the refusal's message)."""
    try:
        return parse_article(data), ""
    except ArticleFileError as error:
        return None, str(error)


@given(data=st.binary(max_size=2_000))
def test_any_bytes_parse_or_are_refused_with_a_message(data):
    """The parser either understands a file or says why not; it never fails otherwise."""
    parsed, refusal = parse_or_refusal(data)
    assert parsed.title if parsed else refusal


@given(
    title=st.text(min_size=1, max_size=200),
    lines=st.lists(st.text(max_size=120), max_size=30),
)
def test_any_text_in_the_seed_layout_parses_or_is_refused(seed_bytes, title, lines):
    body = seed_bytes.decode().split("\n", 1)[1]
    data = "\n".join([title, *lines, body]).encode()
    parsed, refusal = parse_or_refusal(data)
    assert parsed.title if parsed else refusal
