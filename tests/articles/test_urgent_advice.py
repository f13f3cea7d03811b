"""Urgent advice ("When to see a doctor", "Call 999 if ...") stands out as a callout."""

import importlib
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.importer import infer_section_kind
from articles.models import PublishedVersion, Section
from tests.factories import publish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("When to See a Doctor", "urgent"),
        ("When to See a Clinician", "urgent"),
        ("Get urgent help", "urgent"),
        ("Call 999 if you have chest pain", "urgent"),
        ("When a Headache Is an Emergency", "urgent"),
        ("Red flags", "urgent"),
        ("Symptoms and Diagnosis", "symptoms"),
        ("Treatment Options", "treatment"),
        ("Causes of Plantar Fasciitis", "causes"),
    ],
)
def test_the_importer_recognises_urgent_advice_by_its_heading(heading, kind):
    assert infer_section_kind(heading) == kind


def urgent_callouts(page):
    """The headings of the page's urgent callouts, each a region named by its heading."""
    return [
        heading
        for _, heading in re.findall(
            r'<section class="article-section callout-urgent" id="([^"]+)" '
            r'aria-labelledby="\1-heading">\s*<h2 id="\1-heading">'
            r'<span class="visually-hidden">Urgent advice: </span>([^<]+)</h2>',
            page,
        )
    ]


def test_an_urgent_section_is_a_labelled_callout_in_its_place(client, make_article):
    article = make_article(
        sections=2,
        extra_sections=[
            ("When to See a Doctor", "See a doctor at once if the pain spreads.", "urgent"),
            ("Living with it", "Most people recover.", "other"),
        ],
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert urgent_callouts(page) == ["When to See a Doctor"]
    # In the order the author wrote: after the second section, before the last one.
    assert (
        page.index("Paragraph 2.")
        < page.index("See a doctor at once")
        < page.index("Most people recover.")
    )
    assert page.count("callout-urgent") == 1


def test_an_editor_who_changes_the_kind_changes_the_callout(client, make_article):
    article = make_article(extra_sections=[("Get help now", "Call 999.", "other")])
    assert urgent_callouts(client.get(article.get_absolute_url()).content.decode()) == []
    Section.objects.filter(article=article, heading="Get help now").update(kind="urgent")
    publish(article, note="Urgent advice marked")
    page = client.get(article.get_absolute_url()).content.decode()
    assert urgent_callouts(page) == ["Get help now"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_existing_urgent_sections(make_article):
    article = make_article(extra_sections=[("When to See a Clinician", "If it lasts.", "other")])
    migration = importlib.import_module("articles.migrations.0018_urgent_sections")
    state = MigrationExecutor(connection).loader.project_state(("articles", "0018_urgent_sections"))
    with connection.schema_editor() as schema_editor:
        migration.mark_urgent_sections(state.apps, schema_editor)
    assert Section.objects.get(article=article, heading="When to See a Clinician").kind == "urgent"
    version = PublishedVersion.objects.live().get(article=article)
    kinds = {s["heading"]: s["kind"] for s in version.sections}
    assert kinds["When to See a Clinician"] == "urgent"
    assert kinds["Heading 1"] == "other"
