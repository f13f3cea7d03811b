"""Automatic rules that decide a new comment's status, each configurable in settings.

Rules run in order; the first that marks spam wins, then the first that holds the comment for a
moderator; a commenter with an earlier approved comment is approved at once otherwise. Each
verdict carries a rule code and an explanation shown in the moderation queue.
"""

import re
from dataclasses import dataclass

from django.conf import settings

from .models import Comment

URL_PATTERN = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|net|org|info|biz|ru|io)\b", re.I
)


@dataclass(frozen=True)
class Candidate:
    """What a rule may look at: the text and how the form was filled in."""

    name: str
    email: str
    body: str
    seconds_to_post: float
    honeypot: str = ""


@dataclass(frozen=True)
class Verdict:
    status: str
    rule: str
    explanation: str


def honeypot(candidate):
    if candidate.honeypot.strip():
        return Verdict(
            Comment.Status.SPAM, "honeypot", "The hidden field that only robots see was filled in."
        )
    return None


def too_fast(candidate):
    minimum = settings.COMMENTS_MIN_SECONDS_TO_POST
    if minimum and candidate.seconds_to_post < minimum:
        return Verdict(
            Comment.Status.SPAM,
            "too-fast",
            f"Posted {candidate.seconds_to_post:.1f} s after the form was shown "
            f"(a person needs at least {minimum} s).",
        )
    return None


def blocklist(candidate):
    text = f"{candidate.name}\n{candidate.body}".casefold()
    for word in settings.COMMENTS_BLOCKLIST:
        if re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", text):
            return Verdict(Comment.Status.SPAM, "blocklist", f'Contains the blocked word "{word}".')
    return None


def too_many_links(candidate):
    links = len(URL_PATTERN.findall(candidate.body))
    maximum = settings.COMMENTS_MAX_LINKS
    if links > maximum:
        return Verdict(
            Comment.Status.PENDING,
            "links",
            f"Contains {links} links (more than {maximum}).",
        )
    return None


def health_safety(candidate):
    for pattern in settings.COMMENTS_HEALTH_SAFETY_PATTERNS:
        match = re.search(pattern, candidate.body, re.I)
        if match:
            return Verdict(
                Comment.Status.PENDING,
                "health-safety",
                f'Mentions doses or medication changes ("{match.group(0)}"): '
                "check it is not unsafe advice.",
            )
    return None


SPAM_RULES = [honeypot, too_fast, blocklist]
HOLD_RULES = [too_many_links, health_safety]


def decide(candidate):
    """The status of a new comment, with the rule that decided it."""
    for rule in SPAM_RULES + HOLD_RULES:
        verdict = rule(candidate)
        if verdict is not None:
            return verdict
    if Comment.objects.approved().by_email(candidate.email).exists():
        return Verdict(
            Comment.Status.APPROVED,
            "known-commenter",
            "Approved at once: this email address has an earlier approved comment.",
        )
    return Verdict(
        Comment.Status.PENDING, "first-comment", "A first comment from this email address."
    )
