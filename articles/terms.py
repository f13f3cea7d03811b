"""The terms of a section's list items ("Joint stiffness", "Physical therapy").

A list item's term is its bold lead term ("- **Physical therapy:** gentle stretching ...") or,
when it has none, the whole item ("- Joint stiffness"). Terms are derived once, when a version
is published (``articles.versions``): the page and its structured data read them from the
version, the term indexes and related articles from its ``VersionTerm`` rows.
"""

from markdown_it import MarkdownIt

from .slugs import make_slug

# A whole item longer than this is a sentence, not a term.
MAX_ITEM_TERM_LENGTH = 120
MAX_TERM_LENGTH = 200

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False})

# Section kinds with a browsable index of their terms: kind -> (URL name, page title, term noun).
TERM_INDEXES = {
    "symptoms": ("articles:symptoms", "Symptoms A\u2013Z", "symptom"),
    "causes": ("articles:causes", "Causes A\u2013Z", "cause"),
    "treatment": ("articles:treatments", "Treatments A\u2013Z", "treatment"),
}
# Each term's own page in those indexes (all the articles naming it): kind -> URL name.
TERM_PAGES = {
    "symptoms": "articles:symptom",
    "causes": "articles:cause",
    "treatment": "articles:treatment",
}


def _plain(children):
    parts = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return " ".join("".join(parts).split())


def _item_term(children):
    children = [c for c in children if not (c.type == "text" and not c.content)]
    if children and children[0].type == "strong_open":
        close = next((i for i, c in enumerate(children) if c.type == "strong_close"), len(children))
        lead = _plain(children[1:close])
        rest = _plain(children[close + 1 : close + 2])
        if lead.endswith(":"):
            return lead.rstrip(":").strip()
        if rest.startswith(":"):
            return lead.strip()
    text = _plain(children).rstrip(".;").strip()
    return text if len(text) <= MAX_ITEM_TERM_LENGTH else ""


def extract_terms(markdown):
    """The terms of the list items in ``markdown``, in order, without repeats."""
    terms, seen = [], set()
    tokens = _markdown.parse(markdown or "")
    awaiting_item = False
    for token in tokens:
        if token.type == "list_item_open":
            awaiting_item = True
        elif token.type == "inline" and awaiting_item:
            awaiting_item = False
            term = _item_term(token.children or [])[:MAX_TERM_LENGTH]
            slug = make_slug(term) if term else ""
            if term and slug not in seen:
                seen.add(slug)
                terms.append(term)
    return terms
