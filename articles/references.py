"""Numbered citations: ``[1]`` in an article's text links to reference 1 at the end of the page.

Applied to rendered HTML when content is saved, before sanitising, and never inside code,
preformatted text or an existing link.
"""

import re

CITATION = re.compile(r"\[(\d{1,3})\]")
_TAG = re.compile(r"(<[^>]+>)")
_SKIP_TAGS = {"a", "code", "pre"}


def citation_link(number):
    return f'<sup><a href="#ref-{number}">[{number}]</a></sup>'


def link_citations(html):
    """Turn the text ``[n]`` (n from 1) in ``html`` into a link to ``#ref-n``."""
    parts = _TAG.split(html)
    skipping = []
    for index, part in enumerate(parts):
        if part.startswith("<"):
            match = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
            if match and match.group(2).lower() in _SKIP_TAGS and not part.endswith("/>"):
                if match.group(1):
                    if skipping:
                        skipping.pop()
                else:
                    skipping.append(match.group(2).lower())
            continue
        if not skipping:
            parts[index] = CITATION.sub(
                lambda m: citation_link(int(m.group(1))) if int(m.group(1)) > 0 else m.group(0),
                part,
            )
    return "".join(parts)
