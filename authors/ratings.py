"""Readers rate authors: one rating per reader and author, exact counts, ratings that resist
stuffing.

``rate_author`` is the only way a rating is written, ``release_rating`` the only way a held one
starts to count and ``void_rating`` the only way one is withdrawn; views, the admin, the
periodic job and the demo command all call them. Each locks the author row, so concurrent
ratings of one author are applied one after another and the per-star counts on the author row
stay equal to the counted ratings (``manage.py check_ratings`` verifies that).

How much an anonymous rating weighs (the README says the same): a new rating from a signed-in
reader counts at once. An anonymous reader's counts once the reader's token (a signed cookie
given with their first rating) is ``RATING_READER_MIN_AGE_HOURS`` old; until then it is held,
and the hourly job releases it. A rating made during a burst for that author (more than
``RATING_BURST_MIN`` in an hour, or ``RATING_BURST_FACTOR`` times the author's usual rate) or
beyond ``RATING_MAX_PER_NETWORK_PER_DAY`` from one network is held until an editor releases or
voids it, and so are the anonymous ratings counted just before it in the same window, and a
new reader's rating that the job finds was part of such a burst. Dozens of ratings from a
handful of addresses within an hour therefore move nothing that readers see.
"""

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.tasks import task
from django.utils import timezone

from symptomdb.addresses import Origin
from symptomdb.limits import LimitReached
from symptomdb.roles import is_user_of, may_rate

from .models import STARS, Author, Rating, RatingRelease, RatingVoid

READER_COOKIE_SALT = "authors.reader"


class RatingLimitReached(LimitReached):
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
    """Who rates: a signed-in user, or an anonymous reader's random token (and when it was
    given)."""

    user_id: int | None = None
    token: str = ""
    since: datetime | None = None

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
    value = request.get_signed_cookie(
        settings.RATING_READER_COOKIE, default="", salt=READER_COOKIE_SALT
    )
    token, _, issued = value.partition(":")
    if not 16 <= len(token) <= 64:
        return Reader()
    since = None
    # 11 digits reach the year 5138; more may not be a date Python can hold.
    if issued.isascii() and issued.isdigit() and len(issued) <= 11:
        since = datetime.fromtimestamp(int(issued), UTC)
    return Reader(token=token, since=since)


def new_reader():
    return Reader(token=secrets.token_urlsafe(24), since=timezone.now())


def remember_reader(response, reader):
    """Store an anonymous reader's token in a long-lived signed cookie on ``response``."""
    if reader.user_id or not reader.token:
        return
    value = reader.token
    if reader.since is not None:
        value = f"{value}:{int(reader.since.timestamp())}"
    response.set_signed_cookie(
        settings.RATING_READER_COOKIE,
        value,
        salt=READER_COOKIE_SALT,
        max_age=settings.RATING_READER_COOKIE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def rating_context(request, author):
    """What the rating form of ``author`` needs for this reader: their score, or why not."""
    refusal = rating_refusal(request.user, author)
    rating = None if refusal else current_rating(reader_for(request), author)
    return {
        "rating_refusal": refusal,
        "reader_score": rating.score if rating else None,
        "reader_rating_held": bool(rating and rating.is_held),
    }


def current_rating(reader, author):
    """The reader's own rating of ``author`` (counted, held or voided), or None: one query."""
    if not reader.is_known:
        return None
    return Rating.objects.by_reader(reader).filter(author=author).only("score", "status").first()


def current_score(reader, author):
    rating = current_rating(reader, author)
    return rating.score if rating else None


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


def burst_threshold(author, moment):
    """Ratings of ``author`` in an hour that make a burst: ``RATING_BURST_MIN``, or
    ``RATING_BURST_FACTOR`` times the author's usual hourly rate over the month before."""
    month = Rating.objects.filter(
        author=author, created_at__gte=moment - timedelta(days=30), created_at__lt=moment
    ).count()
    usual = month / (30 * 24)
    return max(settings.RATING_BURST_MIN, math.ceil(settings.RATING_BURST_FACTOR * usual))


def hold_for(author, *, reader, origin, moment, window=timedelta(0)):
    """Why a new rating of ``author`` made at ``moment`` is held, or "" when it counts.

    ``window`` widens the look around ``moment`` (the job re-checks held ratings later, when
    the ratings after them are known too).
    """
    if reader.user_id:
        return Rating.Hold.NONE
    ratings = Rating.objects.filter(author=author)
    day = ratings.filter(
        network_hash=origin.network_hash,
        created_at__gte=moment - timedelta(days=1) - window,
        created_at__lte=moment + window,
    )
    if day.count() >= settings.RATING_MAX_PER_NETWORK_PER_DAY + (1 if window else 0):
        return Rating.Hold.NETWORK
    hour = ratings.filter(
        created_at__gte=moment - timedelta(hours=1) - window, created_at__lte=moment + window
    )
    if hour.count() >= burst_threshold(author, moment - timedelta(hours=1)) + (1 if window else 0):
        return Rating.Hold.BURST
    age = settings.RATING_READER_MIN_AGE_HOURS
    if reader.since is None or reader.since > moment - timedelta(hours=age):
        return Rating.Hold.NEW_READER
    return Rating.Hold.NONE


def _hold_counted(author, hold, *, origin, moment):
    """A burst or a network's many ratings, once seen, hold the anonymous ratings before it in
    the same window too: the first few of a burst do not slip into the figures."""
    ratings = Rating.objects.live().filter(author=author, user__isnull=True)
    if hold == Rating.Hold.BURST:
        ratings = ratings.filter(created_at__gte=moment - timedelta(hours=1))
    else:
        ratings = ratings.filter(
            network_hash=origin.network_hash, created_at__gte=moment - timedelta(days=1)
        )
    scores = list(ratings.values_list("score", flat=True))
    if not scores:
        return
    ratings.update(status=Rating.Status.HELD, hold=hold)
    Author.objects.filter(pk=author.pk).update(
        **{f"stars_{stars}": F(f"stars_{stars}") - scores.count(stars) for stars in set(scores)}
    )


def _lock_author(author_pk):
    # Serialises every rating write of this author: checks and counters see each other.
    Author.objects.select_for_update().filter(pk=author_pk).values_list("pk").get()


@transaction.atomic
def rate_author(author, score, *, reader, origin, now=None):
    """Record ``reader``'s ``score`` for ``author``: a new rating, or a change of theirs.

    A new rating counts against the per-address cap (``RATING_MAX_PER_ADDRESS_PER_DAY`` new
    ratings of one author in 24 hours); changing one's own rating does not. A new rating counts
    at once or is held (see the module's docstring); a held or voided rating's score may change
    without counting. Raises ``ValidationError`` for a bad score and ``RatingLimitReached`` over
    the cap, storing nothing. Returns ``(rating, created)``.
    """
    validate_score(score)
    if not reader.is_known:
        raise ValueError("A rating needs a reader: a user or a reader token.")
    _lock_author(author.pk)
    # The time is read under the lock, so each rating sees every earlier one as earlier.
    now = now or timezone.now()
    rating = Rating.objects.by_reader(reader).filter(author=author).first()
    if rating is None:
        recent = Rating.objects.filter(
            author=author,
            address_hash=origin.address_hash,
            created_at__gte=now - timedelta(days=1),
            created_at__lte=now,
        )
        if recent.count() >= settings.RATING_MAX_PER_ADDRESS_PER_DAY:
            # Counts again once the oldest of them is a day old.
            oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
            raise RatingLimitReached(retry_after=(oldest + timedelta(days=1) - now).total_seconds())
        hold = hold_for(author, reader=reader, origin=origin, moment=now)
        rating = Rating.objects.create(
            author=author,
            user_id=reader.user_id,
            reader_token="" if reader.user_id else reader.token,
            reader_since=None if reader.user_id else reader.since,
            score=score,
            status=Rating.Status.HELD if hold else Rating.Status.COUNTED,
            hold=hold,
            address_hash=origin.address_hash,
            network_hash=origin.network_hash,
            created_at=now,
        )
        if not hold:
            _shift(author.pk, add=score)
        elif hold in {Rating.Hold.BURST, Rating.Hold.NETWORK}:
            _hold_counted(author, hold, origin=origin, moment=now)
        return rating, True
    if rating.score != score:
        if not rating.is_voided and not rating.is_held:
            _shift(author.pk, add=score, remove=rating.score)
        rating.score = score
        rating.save(update_fields=["score", "updated_at"])
    return rating, False


@transaction.atomic
def release_rating(rating, *, by, note):
    """Count a held rating in the author's figures, with an audit record of who and why."""
    note = (note or "").strip()
    if not note:
        raise ValidationError("Say why the rating is released.")
    _lock_author(rating.author_id)
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    if not rating.is_held or rating.is_voided:
        return None
    was = rating.hold
    rating.status, rating.hold = Rating.Status.COUNTED, Rating.Hold.NONE
    rating.save(update_fields=["status", "hold"])
    _shift(rating.author_id, add=rating.score)
    return RatingRelease.objects.create(rating=rating, released_by=by, hold=was, note=note)


@transaction.atomic
def void_rating(rating, *, by, reason):
    """Withdraw ``rating`` from the author's figures, with an audit record of who and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the rating is voided.")
    _lock_author(rating.author_id)
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    if rating.is_voided:
        return None
    rating.voided_at = timezone.now()
    rating.save(update_fields=["voided_at"])
    if not rating.is_held:
        _shift(rating.author_id, remove=rating.score)
    return RatingVoid.objects.create(rating=rating, voided_by=by, reason=reason)


@task()
def release_aged_ratings():
    """Hourly: count the held new readers' ratings whose tokens have aged, unless, looking at
    the ratings around them now, they were part of a burst or a network's many ratings: those
    wait for an editor."""
    now = timezone.now()
    aged = now - timedelta(hours=settings.RATING_READER_MIN_AGE_HOURS)
    released = 0
    held = Rating.objects.held().filter(hold=Rating.Hold.NEW_READER, reader_since__lte=aged)
    for rating in held.select_related("author").order_by("pk"):
        with transaction.atomic():
            _lock_author(rating.author_id)
            origin = Origin(rating.address_hash, rating.network_hash)
            hold = hold_for(
                rating.author,
                reader=Reader(token=rating.reader_token, since=rating.reader_since),
                origin=origin,
                moment=rating.created_at,
                window=timedelta(hours=1),
            )
            if hold in {Rating.Hold.BURST, Rating.Hold.NETWORK}:
                Rating.objects.filter(pk=rating.pk).update(hold=hold)
                continue
        released += (
            release_rating(rating, by=None, note="Automatically: the reader's token has aged.")
            is not None
        )
    return released


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
