"""Who a commenter is, as far as the site can tell, and names that pretend to be someone else.

A typed email address proves nothing: anybody can type anybody's. A commenter is known by
their account when signed in, or by an email confirmed through a signed link; the link sets a
signed cookie (``COMMENTER_COOKIE``) that this browser then carries. The same cookie remembers
the name and email for the next comment when the commenter ticks "Remember me".

Names are normalised (NFC, one space between words) and compared, as Unicode's confusables
skeleton, with the site's role words ("Moderator", "Admin"...) and with the names of staff
and authors: "Moderator" written with a Cyrillic o is still "moderator".
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from itertools import pairwise

from confusable_homoglyphs.categories import unique_aliases
from confusable_homoglyphs.confusables import confusables_data
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from authors.models import Author

from .models import Comment

COMMENTER_SALT = "comments.commenter"
CONFIRMATION_SALT = "comments.confirm-email"
CONFIRMATION_MAX_AGE = timedelta(days=7)

# Words only the site's own people may go by.
ROLE_WORDS = [
    "admin",
    "administrator",
    "moderator",
    "editor",
    "staff",
    "symptomdatabase",
    "symptomdb",
    "siteteam",
]


@dataclass(frozen=True)
class Commenter:
    """What this browser's signed cookie says: a remembered name and email (if the commenter
    asked), and the email they confirmed (if they did)."""

    name: str = ""
    email: str = ""
    confirmed_email: str = ""

    def proves(self, email):
        return bool(self.confirmed_email) and self.confirmed_email == normal_email(email)

    @property
    def is_empty(self):
        return not (self.name or self.email or self.confirmed_email)


def normal_email(email):
    return (email or "").strip().lower()


def commenter_from(request):
    value = request.get_signed_cookie(settings.COMMENTER_COOKIE, default="", salt=COMMENTER_SALT)
    if not value:
        return Commenter()
    try:
        data = signing.loads(value, salt=COMMENTER_SALT)
    except signing.BadSignature:
        return Commenter()
    if not isinstance(data, dict):
        return Commenter()
    return Commenter(
        name=str(data.get("n", ""))[:80],
        email=str(data.get("e", ""))[:254],
        confirmed_email=str(data.get("c", ""))[:254],
    )


def remember_commenter(response, commenter):
    """Store ``commenter`` in this browser's signed cookie, or delete the cookie if empty."""
    if commenter.is_empty:
        response.delete_cookie(settings.COMMENTER_COOKIE, samesite="Lax")
        return
    value = signing.dumps(
        {"n": commenter.name, "e": commenter.email, "c": commenter.confirmed_email},
        salt=COMMENTER_SALT,
        compress=True,
    )
    response.set_signed_cookie(
        settings.COMMENTER_COOKIE,
        value,
        salt=COMMENTER_SALT,
        max_age=settings.COMMENTER_COOKIE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def identity_of(request, email):
    """How the commenter posting with ``email`` is known: account, confirmed email or typed."""
    if request.user.is_authenticated:
        return Comment.Identity.ACCOUNT
    if commenter_from(request).proves(email):
        return Comment.Identity.CONFIRMED_EMAIL
    return Comment.Identity.TYPED_EMAIL


# Confirmation links.


def confirmation_token(email):
    return signing.dumps(normal_email(email), salt=CONFIRMATION_SALT, compress=True)


def email_from_confirmation(token):
    """The confirmed email, or None for a link that is altered or older than a week."""
    try:
        email = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None
    return email if isinstance(email, str) and "@" in email else None


def confirmation_url(email):
    path = reverse("comments:confirm_email", kwargs={"token": confirmation_token(email)})
    return settings.SITE_URL + path


def confirmation_key(email, now=None):
    """One confirmation email per address per day, whatever is posted."""
    day = (now or timezone.now()).date().isoformat()
    return f"confirm-email:{normal_email(email)}:{day}"


# Names.


# Digits and signs written for letters ("M0derat0r", "$taff"), and the letters that pass for
# one another ("ADMlN" with a small L): one letter for each group, in skeletons only.
LEET = {
    "0": "o",
    "1": "i",
    "l": "i",
    "|": "i",
    "!": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "$": "s",
    "@": "a",
}


@lru_cache(maxsize=4096)
def _latin_lookalike(char):
    """The ASCII letter ``char`` looks like, or ``char`` itself."""
    if char in LEET:
        return LEET[char]
    if char.isascii():
        return char
    for glyph in confusables_data.get(char, ()):
        lookalike = glyph["c"]
        if len(lookalike) == 1 and lookalike.isascii() and lookalike.isalnum():
            return lookalike.lower()
    # Latin letters that do not decompose to their base letter: "ø", "æ", small capitals.
    if found := _LATIN_VARIANT.fullmatch(unicodedata.name(char, "")):
        return found.group(1).lower()
    return char


_LATIN_VARIANT = re.compile(
    r"LATIN (?:SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL |DOTLESS )?([A-Z]{1,2})(?: WITH .+)?"
)


def skeleton(name):
    """``name`` as a string of the Latin letters and digits it looks like: case, accents,
    spacing, punctuation and lookalike letters from other scripts removed."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    letters = (
        _latin_lookalike(char)
        for char in folded
        if char in LEET
        or (not unicodedata.combining(char) and unicodedata.category(char)[0] in "LN")
    )
    return "".join(letters).casefold()


def normal_name(name):
    return " ".join(unicodedata.normalize("NFC", name).split())


def mixes_scripts(name):
    """Letters from two scripts in one name (Latin with a Cyrillic o, say)."""
    return len(unique_aliases(name) - {"COMMON", "INHERITED"}) > 1


def name_words(name):
    """The words of a name, split at spaces, punctuation and symbols that are not lookalike
    letters ("Moderator_Team", "Admin-Team", "Site.Team": two words each)."""
    separated = "".join(
        " " if char not in LEET and unicodedata.category(char)[0] in "PZCS" else char
        for char in name
    )
    return separated.split()


def word_shapes(name):
    """The skeleton of each word of the name that has one."""
    return [shape for shape in map(skeleton, name_words(name)) if shape]


def claims_a_role(name):
    """A word of the name (or two written together) is one only the site's staff go by:
    "Moderator", "Site Team", "Mod erator", "Moderator_Team"; "Stafford" is a name, not
    "staff"."""
    words = word_shapes(name)
    pieces = set(words) | {a + b for a, b in pairwise(words)}
    pieces |= {a + b + c for a, b, c in zip(words, words[1:], words[2:], strict=False)}
    return bool(pieces & set(ROLE_WORDS)) or skeleton(name) in ROLE_WORDS


def staff_and_author_skeletons():
    """(the skeletons of staff's and authors' names, those of the names of two words or more
    among them, those of staff usernames)."""
    users = get_user_model().objects.filter(is_staff=True, is_active=True)
    names, usernames = set(), set()
    for first, last, username in users.values_list("first_name", "last_name", "username"):
        names.add(f"{first} {last}")
        usernames.add(username)
    names.update(Author.objects.values_list("name", flat=True))
    shapes = {name: skeleton(name) for name in names}
    shapes = {name: shape for name, shape in shapes.items() if len(shape) >= 4}
    return (
        set(shapes.values()),
        {shape for name, shape in shapes.items() if len(name_words(name)) >= 2},
        {shape for shape in map(skeleton, usernames) if len(shape) >= 4},
    )


# A run of a name's words, up to this many, may be someone's whole name.
NAME_WORDS_COMPARED = 5


def name_runs(name):
    """The skeletons of each run of the name's words: "Dr Haroon Rashid, MD" holds "Haroon
    Rashid", the title and the credentials around it being anyone's to add."""
    words = word_shapes(name)
    return {
        "".join(words[start:end])
        for start in range(len(words))
        for end in range(start + 1, min(len(words), start + NAME_WORDS_COMPARED) + 1)
    }


def imitates_someone(name, user=None):
    """The name looks like a staff member's or an author's (and the commenter is not them):
    the whole name like a name or a username, or a run of its words like a full name of two
    words or more."""
    own = set()
    if user is not None and user.is_authenticated:
        own = {skeleton(user.get_full_name()), skeleton(user.get_username())}
        profile = getattr(user, "author_profile", None)
        if profile is not None:
            own.add(skeleton(profile.name))
    names, full_names, usernames = staff_and_author_skeletons()
    whole = skeleton(name)
    if whole in (names | usernames) - own:
        return True
    # A single word ("Anna") is many people's name: only a full name is looked for inside.
    return bool(name_runs(name) & (full_names - own))
