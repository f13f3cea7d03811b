"""Rendering an article's content into what readers see, once, when it is published.

``render_version`` turns a revision's content (Markdown text, sections, references) into an
unsaved ``PublishedVersion``: sanitised HTML, list terms, a plain-text summary and the search
text. Publishing saves it (``articles.workflow``) with its text rendered as the page shows it
(``render_body``); previewing shows it unsaved, so the preview is the published page to the
byte, made by the same code.
"""

import functools
import hashlib
from pathlib import Path

from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe

from .models import PublishedVersion, VersionTerm
from .rendering import render_markdown
from .search import index_version, plain_text, search_text
from .slugs import make_slug
from .terms import extract_terms

# The version's own text as the article page shows it, from the intro to the references.
BODY_TEMPLATE = "articles/includes/version_body.html"
# Part of the stored text's digest with the template's source: raise it when code the template
# calls changes what it writes (`time_tag()`, Reference's links, PageSection.is_urgent), so
# that stored text is rendered anew (``manage.py render_version_bodies``).
BODY_FORMAT = 1

# About what a search result shows of a description: the meta tags, cards and JSON-LD use it.
SUMMARY_LENGTH = 160


def summarise(text, length=SUMMARY_LENGTH):
    """Plain text cut at a word boundary: the card text, meta and JSON-LD description."""
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def render_sections(sections):
    rendered = []
    for section in sections:
        terms = []
        for name in extract_terms(section["body"]):
            terms.append({"name": name, "slug": make_slug(name)})
        rendered.append(
            {
                "position": section["position"],
                "heading": section["heading"],
                "anchor": section["anchor"],
                "kind": section["kind"],
                "body_html": render_markdown(section["body"], citations=True),
                "terms": terms,
            }
        )
    return rendered


def render_version(content, *, article, category=None, author=None):
    """An unsaved ``PublishedVersion`` showing ``content`` exactly as readers would see it.

    ``category`` and ``author`` may be passed as objects (a preview shows them without a
    query); otherwise the content's ids are used.
    """
    intro_html = render_markdown(content["intro"], citations=True)
    version = PublishedVersion(
        article=article,
        title=content["title"],
        slug=content["slug"],
        condition=content["condition"],
        # Revisions saved before alternative names existed have none.
        alternative_names=content.get("alternative_names", ""),
        summary=summarise(plain_text(intro_html)),
        intro_html=intro_html,
        conclusion_html=render_markdown(content["conclusion"], citations=True),
        sections=render_sections(content["sections"]),
        references=content["references"],
    )
    if category is not None:
        version.category = category
    else:
        version.category_id = content["category_id"]
    if author is not None:
        version.author = author
    else:
        version.author_id = content["author_id"]
    version.search_text = search_text(version)
    return version


def body_template():
    return engines["jinja2"].get_template(BODY_TEMPLATE)


@functools.lru_cache(maxsize=2)
def _digest(compiled):
    # Per compiled template: Jinja2 compiles it anew when its file changes (in development).
    source = Path(compiled.filename).read_text(encoding="utf-8")
    return hashlib.sha256(f"{BODY_FORMAT}\n{source}".encode()).hexdigest()[:16]


def body_digest(template=None):
    """The digest of the body template's source and ``BODY_FORMAT``, as stored with each
    version's text."""
    return _digest((template or body_template()).template)


def render_body(version):
    """Store ``version``'s text rendered as the page shows it, with the template's digest."""
    template = body_template()
    version.body_html = template.render({"article": version})
    version.body_digest = body_digest(template)


def page_body(version):
    """``version``'s text for its page: as rendered when it was published, or rendered now if
    the template has changed since (``manage.py render_version_bodies`` stores it anew). The
    text never changes: rendered once, it saves an uncached page 7% of its work."""
    template = body_template()
    if version.body_digest == body_digest(template):
        # Our template's output, stored at publication; nothing else writes the column.
        return mark_safe(version.body_html)  # noqa: S308
    return template.render({"article": version})


def save_version(version):
    """Insert a rendered version with its term rows and search index."""
    version.created_at = timezone.now()
    render_body(version)
    version.save()
    terms, seen = [], set()
    for section in version.page_sections:
        for term in section.terms:
            if (section.kind, term.slug) in seen:
                continue
            seen.add((section.kind, term.slug))
            terms.append(
                VersionTerm(
                    version=version,
                    kind=section.kind,
                    position=len(terms) + 1,
                    name=term.name,
                    slug=term.slug,
                )
            )
    VersionTerm.objects.bulk_create(terms)
    index_version(version)
    return version
