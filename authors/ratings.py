"""Readers rate authors: one rating per reader and author, exact counts, a per-address cap.

``rate_author`` is the only way a rating is written and ``void_rating`` the only way one is
withdrawn; views, the admin and the demo command all call them. Both lock the author row, so
concurrent ratings of one author are applied one after another and the per-star counts on the
author row stay equal to the live ratings (``manage.py check_ratings`` verifies that).
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from symptomdb.roles import is_user_of, may_rate

from .models import STARS, Author, Rating, RatingVoid

READER_COOKIE_SALT = "authors.reader"


class RatingLimitReached(Exception):
    """Too many new ratings of this author from one network address today."""

    message = "Too many ratings of this author from your network today. Please try tomorrow."


def rating_refusal(user, author):
    """Why ``user`` may not rate ``author`` (a sentence for them), or "" when they may."""
    if may_rate(user, author):
        return ""
    if is_user_of(user, author):
        return "You cannot rate your own profile."
    return "Staff accounts do not rate authors: ratings are readers' opinions."


@dataclass(frozen=True)
class Reader:
    """Who rates: a signed-in user, or an anonymous reader's random token."""

    user_id: int | None = None
    token: str = ""

    @property
    def is_known(self):
        return bool(self.user_id or self.token)


def reader_for(request):
    """The reader making ``request``: the account, else the token in the signed cookie."""
    if request.user.is_authenticated:
        return Reader(user_id=request.user.pk)
    return anonymous_reader(request)


def anonymous_reader(request):
    """The reader token in ``request``'s signed cookie (unknown reader if none or forged)."""
    token = request.get_signed_cookie(
        settings.RATING_READER_COOKIE, default="", salt=READER_COOKIE_SALT
    )
    return Reader(token=token if 16 <= len(token) <= 64 else "")


def new_reader_token():
    return secrets.token_urlsafe(24)


def remember_reader(response, reader):
    """Store an anonymous reader's token in a long-lived signed cookie on ``response``."""
    if reader.user_id or not reader.token:
        return
    response.set_signed_cookie(
        settings.RATING_READER_COOKIE,
        reader.token,
        salt=READER_COOKIE_SALT,
        max_age=settings.RATING_READER_COOKIE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def rating_context(request, author):
    """What the rating form of ``author`` needs for this reader: their score, or why not."""
    refusal = rating_refusal(request.user, author)
    return {
        "rating_refusal": refusal,
        "reader_score": None if refusal else current_score(reader_for(request), author),
    }


def current_score(reader, author):
    """The reader's own live-or-voided score for ``author``, or None: at most one query."""
    if not reader.is_known:
        return None
    return (
        Rating.objects.by_reader(reader)
        .filter(author=author)
        .values_list("score", flat=True)
        .first()
    )


def _shift(author_pk, *, add=None, remove=None):
    changes = {}
    if add is not None:
        changes[f"stars_{add}"] = F(f"stars_{add}") + 1
    if remove is not None:
        changes[f"stars_{remove}"] = F(f"stars_{remove}") - 1
    if changes:
        Author.objects.filter(pk=author_pk).update(**changes)


def validate_score(score):
    if isinstance(score, bool) or not isinstance(score, int) or score not in STARS:
        raise ValidationError("A rating is a whole number of stars from 1 to 5.")
    return score


@transaction.atomic
def rate_author(author, score, *, reader, address_hash, now=None):
    """Record ``reader``'s ``score`` for ``author``: a new rating, or a change of theirs.

    A new rating counts against the per-address cap (``RATING_MAX_PER_ADDRESS_PER_DAY`` new
    ratings of one author in 24 hours); changing one's own rating does not. A reader whose
    rating an editor voided may change it, but it stays voided and uncounted. Raises
    ``ValidationError`` for a bad score and ``RatingLimitReached`` over the cap, storing
    nothing. Returns ``(rating, created)``.
    """
    validate_score(score)
    if not reader.is_known:
        raise ValueError("A rating needs a reader: a user or a reader token.")
    now = now or timezone.now()
    # The lock serialises every rating of this author: the checks below and the counter
    # updates see each other's results.
    Author.objects.select_for_update().filter(pk=author.pk).values_list("pk").get()
    rating = Rating.objects.by_reader(reader).filter(author=author).first()
    if rating is None:
        since = now - timedelta(days=1)
        recent = Rating.objects.filter(author=author).from_address_since(address_hash, since)
        if recent.count() >= settings.RATING_MAX_PER_ADDRESS_PER_DAY:
            raise RatingLimitReached
        rating = Rating.objects.create(
            author=author,
            user_id=reader.user_id,
            reader_token="" if reader.user_id else reader.token,
            score=score,
            address_hash=address_hash,
        )
        _shift(author.pk, add=score)
        return rating, True
    if rating.score != score:
        if not rating.is_voided:
            _shift(author.pk, add=score, remove=rating.score)
        rating.score = score
        rating.save(update_fields=["score", "updated_at"])
    return rating, False


@transaction.atomic
def void_rating(rating, *, by, reason):
    """Withdraw ``rating`` from the author's figures, with an audit record of who and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the rating is voided.")
    Author.objects.select_for_update().filter(pk=rating.author_id).values_list("pk").get()
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    if rating.is_voided:
        return None
    rating.voided_at = timezone.now()
    rating.save(update_fields=["voided_at"])
    _shift(rating.author_id, remove=rating.score)
    return RatingVoid.objects.create(rating=rating, voided_by=by, reason=reason)


@dataclass(frozen=True)
class Drift:
    author: Author
    stored: dict
    actual: dict


def find_drift():
    """Authors whose stored per-star counts differ from their live ratings (two queries)."""
    actual = {}
    rows = Rating.objects.live().values("author", "score").annotate(number=Count("pk"))
    for row in rows.order_by():
        actual.setdefault(row["author"], dict.fromkeys(STARS, 0))[row["score"]] = row["number"]
    drifts = []
    for author in Author.objects.order_by("pk"):
        counted = actual.get(author.pk, dict.fromkeys(STARS, 0))
        if author.star_counts != counted:
            drifts.append(Drift(author, author.star_counts, counted))
    return drifts


@transaction.atomic
def repair_drift(drift):
    """Set the author's stored counts to the live ratings, under the author lock."""
    Author.objects.select_for_update().filter(pk=drift.author.pk).values_list("pk").get()
    counted = dict.fromkeys(STARS, 0)
    rows = Rating.objects.live().filter(author=drift.author).values("score").annotate(n=Count("pk"))
    for row in rows.order_by():
        counted[row["score"]] = row["n"]
    Author.objects.filter(pk=drift.author.pk).update(
        **{f"stars_{stars}": number for stars, number in counted.items()}
    )
