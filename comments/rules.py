"""Automatic rules that decide a new comment's status, each configurable in settings.

Rules run in order; the first that marks spam wins, then the first that holds the comment for a
moderator. Otherwise a commenter whose identity is proven (signed in, or an email confirmed in
this browser) and who has an earlier approved comment, and none refused since, is approved at
once; a typed email address proves nothing, so its comment waits. Each verdict carries a rule
code and an explanation shown in the moderation queue.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

from . import identity
from .models import BLANK_CHARACTERS, Comment

URL_PATTERN = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|net|org|info|biz|ru|io)\b", re.I
)


@dataclass(frozen=True)
class Candidate:
    """What a rule may look at: the text, how the form was filled in, who is posting."""

    name: str
    email: str
    body: str
    seconds_to_post: float
    honeypot: str = ""
    identity: str = Comment.Identity.TYPED_EMAIL
    user: object = None


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
    """A person may paste a prepared comment: held for a moderator, not thrown away."""
    minimum = settings.COMMENTS_MIN_SECONDS_TO_POST
    if minimum and candidate.seconds_to_post < minimum:
        return Verdict(
            Comment.Status.PENDING,
            "too-fast",
            f"Posted {candidate.seconds_to_post:.1f} s after the form was shown "
            f"(typing takes most people at least {minimum} s).",
        )
    return None


def imitates_staff(candidate):
    if identity.imitates_someone(candidate.name, candidate.user):
        return Verdict(
            Comment.Status.PENDING,
            "name-like-staff",
            f"The name “{candidate.name}” looks like the name of a member of staff or an author.",
        )
    if identity.mixes_scripts(candidate.name):
        return Verdict(
            Comment.Status.PENDING,
            "mixed-script-name",
            f"The name “{candidate.name}” mixes letters of different alphabets, as names made "
            "to look like someone else's do.",
        )
    return None


# Unicode's default-ignorable code points (DerivedCoreProperties.txt), which show as nothing
# (the combining grapheme joiner, variation selectors), but for the blank characters, which
# show as a space.
DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufe00-\ufe0f\ufeff\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
AS_SPACE = str.maketrans(dict.fromkeys(BLANK_CHARACTERS, " "))


def as_read(text):
    """``text`` as a reader reads it, for the word rules: compatibility characters as their
    plain form (a no-break space, fullwidth letters), characters that show as nothing dropped
    and any run of spaces as one, so that "stop\u00a0 taking" is "stop taking"."""
    plain = DEFAULT_IGNORABLE.sub("", unicodedata.normalize("NFKC", text))
    plain = plain.translate(AS_SPACE)
    visible = "".join(char for char in plain if unicodedata.category(char) != "Cf")
    return " ".join(visible.split())


def blocklist(candidate):
    text = as_read(f"{candidate.name}\n{candidate.body}").casefold()
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
    text = as_read(candidate.body)
    for pattern in settings.COMMENTS_HEALTH_SAFETY_PATTERNS:
        match = re.search(pattern, text, re.I)
        if match:
            return Verdict(
                Comment.Status.PENDING,
                "health-safety",
                f'Mentions doses or medication changes ("{match.group(0)}"): '
                "check it is not unsafe advice.",
            )
    return None


SPAM_RULES = [honeypot, blocklist]
HOLD_RULES = [too_fast, imitates_staff, too_many_links, health_safety]
# Rules an edit of a published comment goes through again: its words changed, not its author.
EDIT_RULES = [blocklist, too_many_links, health_safety]


def track_record(comments):
    """Whether ``comments`` (one commenter's) include an approved one and no refusal after
    the last approval."""
    last_approved = comments.approved().order_by("-created_at").values_list("created_at").first()
    if last_approved is None:
        return False
    refused = [Comment.Status.REJECTED, Comment.Status.SPAM]
    return not comments.filter(status__in=refused, created_at__gt=last_approved[0]).exists()


def decide(candidate):
    """The status of a new comment, with the rule that decided it."""
    for rule in SPAM_RULES + HOLD_RULES:
        verdict = rule(candidate)
        if verdict is not None:
            return verdict
    if candidate.identity == Comment.Identity.ACCOUNT:
        if track_record(Comment.objects.filter(user=candidate.user)):
            return Verdict(
                Comment.Status.APPROVED,
                "known-commenter",
                "Approved at once: posted signed in, by an account with approved comments.",
            )
    elif candidate.identity == Comment.Identity.CONFIRMED_EMAIL:
        if track_record(Comment.objects.by_email(candidate.email)):
            return Verdict(
                Comment.Status.APPROVED,
                "known-commenter",
                "Approved at once: an email address confirmed in this browser, with approved "
                "comments.",
            )
    elif Comment.objects.approved().by_email(candidate.email).exists():
        return Verdict(
            Comment.Status.PENDING,
            "unconfirmed-email",
            "This email address has approved comments, but it was typed, not confirmed in this "
            "browser: anybody can type an address.",
        )
    return Verdict(Comment.Status.PENDING, "first-comment", "A first comment from this commenter.")


def decide_edit(text):
    """The status an edited published comment keeps (None) or returns to, with why."""
    candidate = Candidate(name="", email="", body=text, seconds_to_post=float("inf"))
    for rule in EDIT_RULES:
        verdict = rule(candidate)
        if verdict is not None:
            return verdict
    return None
