"""Markdown to safe HTML, done once when content is saved so that page views never parse it.

Raw HTML in the source is shown as text (markdown-it's ``html`` option is off), and the result
goes through nh3 so that only the tags and URL schemes below can ever reach a page.
"""

import re

import nh3
from markdown_it import MarkdownIt

from .references import link_citations

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "td": {"align"}, "th": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")

# Characters that Markdown would read as markup in plain text, escaped so they show literally.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")
_LINE_START_SYMBOL = re.compile(r"^(\s*)([#>+\-=])")
_LINE_START_NUMBER = re.compile(r"^(\s*\d+)([.)])")


def sanitize_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(source, *, citations=False):
    """Return sanitised HTML for a Markdown ``source`` (an empty string for no content).

    With ``citations``, markers such as ``[1]`` link to the article's numbered references.
    """
    if not source or not source.strip():
        return ""
    html = _markdown.render(source)
    if citations:
        html = link_citations(html)
    return sanitize_html(html).strip()


def escape_markdown(text):
    """Escape plain ``text`` so that Markdown renders it literally, as written."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _LINE_START_SYMBOL.sub(r"\1\\\2", text)
    return _LINE_START_NUMBER.sub(r"\1\\\2", text)
