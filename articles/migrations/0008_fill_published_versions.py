"""Published versions, revisions and the workflow log: fill them from the articles (step 2 of 3).

Every article gets revision 1, its content as it stands. A published article whose medical
sign-off covers its current text (the stored fingerprint matches) becomes published version 1,
built from the HTML, terms and search index rendered when it was saved, with its change log;
its working copy returns to "draft" (no unpublished changes). A published article without such a
sign-off is not shown to readers any more: it waits "in review" for a medical sign-off, because
no text reaches readers unreviewed. Earlier saves kept by django-simple-history are not carried
over: revisions start here.
"""

import hashlib
import json

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from articles.search import plain_text

SUMMARY_LENGTH = 300


def summarise(text):
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def new_fingerprint(content):
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def old_fingerprint(article, sections, references):
    """The sign-off fingerprint as the previous code computed it."""
    digest = hashlib.sha256()
    parts = [article.title, article.intro, article.conclusion]
    for section in sections:
        parts += [str(section.position), section.heading, section.kind, section.body]
    for reference in references:
        parts += [str(reference.position), reference.text, reference.url]
        parts += [reference.doi, reference.pubmed_id]
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    Reference = apps.get_model("articles", "Reference")
    SectionTerm = apps.get_model("articles", "SectionTerm")
    ChangeLogEntry = apps.get_model("articles", "ChangeLogEntry")
    Revision = apps.get_model("articles", "Revision")
    ArticleEvent = apps.get_model("articles", "ArticleEvent")
    PublishedVersion = apps.get_model("articles", "PublishedVersion")
    VersionTerm = apps.get_model("articles", "VersionTerm")
    postgres = schema_editor.connection.vendor == "postgresql"
    now = timezone.now()

    for article in Article.objects.using(alias).order_by("pk").iterator():
        sections = list(Section.objects.using(alias).filter(article=article).order_by("position"))
        references = list(
            Reference.objects.using(alias).filter(article=article).order_by("position")
        )
        content = {
            "title": article.title,
            "slug": article.slug,
            "category_id": article.category_id,
            "author_id": article.author_id,
            "condition": article.condition,
            "intro": article.intro,
            "conclusion": article.conclusion,
            "sections": [
                {
                    "position": s.position,
                    "heading": s.heading,
                    "anchor": s.anchor,
                    "kind": s.kind,
                    "body": s.body,
                }
                for s in sections
            ],
            "references": [
                {
                    "position": r.position,
                    "text": r.text,
                    "url": r.url,
                    "doi": r.doi,
                    "pubmed_id": r.pubmed_id,
                    "accessed": r.accessed.isoformat() if r.accessed else "",
                }
                for r in references
            ],
        }
        revision = Revision.objects.using(alias).create(
            article=article,
            number=1,
            content=content,
            fingerprint=new_fingerprint(content),
            summary="Recorded when revisions were introduced",
            created_at=article.updated_at,
        )
        if article.status != "published":
            continue
        signed = (
            article.reviewed_by_id
            and article.reviewed_by_id != article.author_id
            and article.published_at is not None
            and article.reviewed_fingerprint == old_fingerprint(article, sections, references)
        )
        if not signed:
            Article.objects.using(alias).filter(pk=article.pk).update(status="in_review")
            continue

        reviewed_on = article.last_reviewed or timezone.localdate(article.updated_at)
        sign_off = ArticleEvent.objects.using(alias).create(
            article=article,
            action="signed_off",
            revision=revision,
            reviewer_id=article.reviewed_by_id,
            reviewed_on=reviewed_on,
            note="Sign-off recorded before revisions were introduced",
            created_at=now,
        )
        entries = list(
            ChangeLogEntry.objects.using(alias).filter(article=article).order_by("-date", "-pk")
        )
        changes = [{"date": e.date.isoformat(), "note": e.note} for e in entries]
        note = entries[0].note if entries else "First publication"
        terms_by_section = {}
        for term in (
            SectionTerm.objects.using(alias)
            .filter(section__in=sections)
            .order_by("section__position", "position")
        ):
            terms_by_section.setdefault(term.section_id, []).append(term)
        version = PublishedVersion.objects.using(alias).create(
            article=article,
            number=1,
            revision=revision,
            sign_off=sign_off,
            reviewed_by_id=article.reviewed_by_id,
            reviewed_on=reviewed_on,
            title=article.title,
            slug=article.slug,
            category_id=article.category_id,
            author_id=article.author_id,
            condition=article.condition,
            summary=summarise(plain_text(article.intro_html)),
            intro_html=article.intro_html,
            conclusion_html=article.conclusion_html,
            sections=[
                {
                    "position": s.position,
                    "heading": s.heading,
                    "anchor": s.anchor,
                    "kind": s.kind,
                    "body_html": s.body_html,
                    "terms": [
                        {"name": t.name, "slug": t.slug} for t in terms_by_section.get(s.pk, [])
                    ],
                }
                for s in sections
            ],
            references=content["references"],
            changes=changes,
            change_note=note,
            first_published_at=article.published_at,
            live_from=article.published_at,
            search_text=article.search_text,
            created_at=now,
        )
        seen, rows = set(), []
        for section in sections:
            for term in terms_by_section.get(section.pk, []):
                if (section.kind, term.slug) not in seen:
                    seen.add((section.kind, term.slug))
                    rows.append(
                        VersionTerm(
                            version=version,
                            kind=section.kind,
                            position=len(rows) + 1,
                            name=term.name,
                            slug=term.slug,
                        )
                    )
        VersionTerm.objects.using(alias).bulk_create(rows)
        if postgres:
            PublishedVersion.objects.using(alias).filter(pk=version.pk).update(
                search_vector=Subquery(
                    Article.objects.filter(pk=OuterRef("article_id")).values("search_vector")[:1]
                )
            )
        ArticleEvent.objects.using(alias).create(
            article=article, action="published", revision=revision, note=note, created_at=now
        )
        Article.objects.using(alias).filter(pk=article.pk).update(status="draft")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_published_versions"),
    ]

    # Irreversible: the old columns are dropped in the next step.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
