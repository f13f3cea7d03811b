"""Slugs for URLs and for grouping names: ASCII where possible, never empty."""

import hashlib

from django.utils.text import slugify


def make_slug(text, max_length=200):
    """An ASCII slug for ``text``; text with no Latin letters gets a stable hashed slug."""
    slug = slugify(text)[:max_length].strip("-")
    if slug:
        return slug
    return "x-" + hashlib.sha256(text.casefold().encode()).hexdigest()[:12]
