"""Revisions of an article's working copy, and what changed between two of them.

``record_revision`` is the one way a revision is written: after every save of the working copy
(the admin, the importer, a restore) it stores the content as it now is, unless nothing changed
since the latest revision, so the history has no empty entries. ``compare`` lists the fields,
sections and references that differ between two contents, each with a word-level diff, for the
reviewer's "what changed since the published version" and the history.
"""

import difflib
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from authors.models import Author

from .models import Article, Category, Reference, Revision, Section, fingerprint

FIELDS = [
    ("title", "Title"),
    ("slug", "URL slug"),
    ("category_id", "Category"),
    ("author_id", "Author"),
    ("condition", "Condition"),
    ("alternative_names", "Alternative names"),
    ("intro", "Intro"),
    ("conclusion", "Conclusion"),
]
SECTION_FIELDS = [("heading", "heading"), ("kind", "kind"), ("anchor", "anchor"), ("body", "text")]
REFERENCE_FIELDS = ["text", "url", "doi", "pubmed_id", "accessed"]
_TOKENS = re.compile(r"\s+|[^\s\w]|\w+")


def current_content(article):
    """The working copy's content, read fresh from the database (sections and references)."""
    fresh = Article.objects.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position")),
        Prefetch("references", queryset=Reference.objects.order_by("position")),
    ).get(pk=article.pk)
    return fresh.content()


def latest_revision(article):
    return Revision.objects.filter(article=article).order_by("-number").first()


@transaction.atomic
def record_revision(article, *, by=None, summary="", content=None, new=False):
    """Store the working copy as a new revision unless it equals the latest; return the latest.

    ``summary`` overrides the computed description of what changed (e.g. "Restored revision 2");
    ``content`` is the working copy's content when the caller has it already (the importer);
    ``new`` says the caller has just created the article, which has no revision to read yet.
    """
    content = content or current_content(article)
    digest = fingerprint(content)
    latest = None if new else latest_revision(article)
    if latest is not None and latest.fingerprint == digest:
        return latest
    described = summary or describe(latest.content if latest else None, content)
    return Revision.objects.create(
        article=article,
        number=latest.number + 1 if latest else 1,
        content=content,
        fingerprint=digest,
        summary=described[:500],
        created_by=by if by is not None and by.is_authenticated else None,
    )


# Comparing two contents --------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One changed field, section or reference: a label and a readable inline diff."""

    label: str
    kind: str  # "added", "removed" or "changed"
    diff: str


def _segments(old_tokens, new_tokens):
    """(changed, old text, new text) runs; a lone space between two changes joins them, so
    a rewritten sentence reads as one deletion and one insertion, not word by word."""
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    segments = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[a1:a2]), "".join(new_tokens[b1:b2])
        segments.append([tag != "equal", removed, added])
    merged = []
    for index, segment in enumerate(segments):
        changed, removed, added = segment
        between_changes = (
            not changed
            and not added.strip()
            and 0 < index < len(segments) - 1
            and segments[index + 1][0]
        )
        if merged and merged[-1][0] and (changed or between_changes):
            merged[-1][1] += removed
            merged[-1][2] += added
        else:
            merged.append([changed or between_changes, removed, added])
    return merged


def word_diff(old, new):
    """``old`` → ``new`` as escaped HTML, removed words in ``<del>``, added ones in ``<ins>``."""
    parts = []
    for changed, removed, added in _segments(
        _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    ):
        if not changed:
            parts.append(escape(added))
            continue
        # Whitespace alone is layout, not a change worth marking.
        if removed.strip():
            parts.append(format_html("<del>{}</del>", removed))
        if added.strip():
            parts.append(format_html("<ins>{}</ins>", added))
        elif added:
            parts.append(escape(added))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part is escaped


def _names(contents):
    """Category and author names for the ids in ``contents``: two queries."""
    category_ids = {c["category_id"] for c in contents if c.get("category_id")}
    author_ids = {c["author_id"] for c in contents if c.get("author_id")}
    return (
        dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "name")),
        {a.pk: a.display_name for a in Author.objects.filter(pk__in=author_ids)},
    )


def _field_text(content, key, names):
    value = content.get(key) or ""
    if key == "category_id" and value:
        return names[0].get(value, f"category #{value}")
    if key == "author_id" and value:
        return names[1].get(value, f"author #{value}")
    return value


def _section_text(section):
    return f"{section['heading']} ({section['kind']})\n\n{section['body']}"


def _reference_text(reference):
    return " · ".join(str(reference[key]) for key in REFERENCE_FIELDS if reference.get(key))


def compare(old, new):
    """The changes from content ``old`` (None: nothing before) to content ``new``, in page order.

    Sections are matched by their anchor, then by position, so a moved or renamed section is
    one change, and a section nobody touched is not listed.
    """
    old = old or {"sections": [], "references": [], **{key: "" for key, _ in FIELDS}}
    names = None
    changes = []
    for key, label in FIELDS:
        if old.get(key) == new.get(key):
            continue
        if names is None and key in {"category_id", "author_id"}:
            names = _names([old, new])
        before, after = _field_text(old, key, names), _field_text(new, key, names)
        if before != after:
            kind = "added" if not before else "removed" if not after else "changed"
            changes.append(Change(label, kind, word_diff(before, after)))

    old_sections = {s["anchor"]: s for s in old["sections"]}
    old_by_position = {s["position"]: s for s in old["sections"]}
    matched = set()
    for section in new["sections"]:
        previous = old_sections.get(section["anchor"])
        if previous is None:
            candidate = old_by_position.get(section["position"])
            if candidate and candidate["anchor"] not in {s["anchor"] for s in new["sections"]}:
                previous = candidate
        label = f"Section “{section['heading']}”"
        if previous is None:
            changes.append(Change(label, "added", word_diff("", _section_text(section))))
            continue
        matched.add(previous["anchor"])
        before, after = _section_text(previous), _section_text(section)
        if before != after:
            changes.append(Change(label, "changed", word_diff(before, after)))
        elif previous["position"] != section["position"]:
            moved = word_diff(f"position {previous['position']}", f"position {section['position']}")
            changes.append(Change(label, "moved", moved))
    for section in old["sections"]:
        if section["anchor"] not in matched:
            label = f"Section “{section['heading']}”"
            changes.append(Change(label, "removed", word_diff(_section_text(section), "")))

    old_references = {r["position"]: r for r in old["references"]}
    new_references = {r["position"]: r for r in new["references"]}
    for position in sorted(old_references.keys() | new_references.keys()):
        before = _reference_text(old_references[position]) if position in old_references else ""
        after = _reference_text(new_references[position]) if position in new_references else ""
        if before != after:
            kind = "added" if not before else "removed" if not after else "changed"
            changes.append(Change(f"Reference [{position}]", kind, word_diff(before, after)))
    return changes


def describe(old, new):
    """One line naming what changed, for the history: "Changed Title; added Section “Tests”"."""
    if old is None:
        return "First revision"
    changes = compare(old, new)
    if not changes:
        return "No change"
    return "; ".join(f"{change.kind.capitalize()} {change.label}" for change in changes)
