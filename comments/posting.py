"""Posting a new comment: the one write for a reader's comment, whatever the front end."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from articles.models import Article
from symptomdb.background import queue_email
from symptomdb.limits import LimitReached

from . import identity, notifications, rules
from .models import Comment, body_fingerprint, inbox


class CommentRefused(Exception):
    """The comment was not stored; ``message`` says why, for the reader."""

    message = ""


class RateLimited(CommentRefused, LimitReached):
    """Over one of the limits; ``retry_after`` seconds until the next comment is accepted."""

    def __init__(self, limit, retry_after):
        minutes = max(1, round(retry_after / 60))
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        super().__init__(
            f"You have posted {limit.count} comments in the last {limit.window_minutes} minutes "
            f"{limit.described}. Please wait about {wait} before posting again.",
            retry_after,
        )


class DuplicateComment(CommentRefused):
    """The same words from the same commenter on this article: ``comment`` is the first."""

    message = "You have already posted this comment; it is not posted twice."

    def __init__(self, comment):
        super().__init__(comment)
        self.comment = comment


@dataclass(frozen=True)
class Limit:
    count: int
    window_minutes: int
    described: str


def top_of_thread(parent):
    """Replies are shown one level deep: a reply to a reply joins the top-level thread."""
    return parent.parent if parent is not None and parent.parent_id else parent


def _lock(*keys):
    """Serialise the posts of one commenter (by every key they are counted under) until the
    transaction ends, so that limits and the duplicate check see each other. SQLite writes one
    transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return
    numbers = sorted(
        int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        for key in keys
        if key
    )
    with connection.cursor() as cursor:
        for number in numbers:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def check_limits(*, email, user, address_hash, now):
    """Raise ``RateLimited`` when this commenter is over a limit: per email, per account and,
    higher since households and offices share one, per network address."""
    window = timedelta(seconds=settings.COMMENTS_RATE_WINDOW_SECONDS)
    since = now - window
    minutes = int(window.total_seconds() // 60)
    checks = [
        (
            Comment.objects.by_mailbox(email),
            settings.COMMENTS_RATE_LIMIT_PER_EMAIL,
            "with this email address",
        ),
        (
            Comment.objects.from_address(address_hash) if address_hash else Comment.objects.none(),
            settings.COMMENTS_RATE_LIMIT_PER_ADDRESS,
            "from your network",
        ),
    ]
    if user is not None and user.is_authenticated:
        checks.append(
            (Comment.objects.filter(user=user), settings.COMMENTS_RATE_LIMIT_PER_EMAIL, "signed in")
        )
    for comments, limit, described in checks:
        recent = list(
            comments.filter(created_at__gte=since)
            .order_by("created_at")[:limit]
            .values_list("created_at", flat=True)
        )
        if len(recent) >= limit:
            retry_after = (recent[0] + window - now).total_seconds()
            raise RateLimited(Limit(limit, minutes, described), retry_after)


@transaction.atomic
def post_comment(
    article,
    *,
    name,
    email,
    body,
    address_hash,
    identity_proof=Comment.Identity.TYPED_EMAIL,
    parent=None,
    user=None,
    notify=False,
    seconds_to_post=float("inf"),
    honeypot="",
):
    """Store a new comment with the status the automatic rules give it, or refuse it.

    Raises ``RateLimited`` past a limit and ``DuplicateComment`` for the same words from the
    same commenter (however simultaneously sent); neither stores anything. A held comment goes
    into the moderators' next digest; an approved one tells its commenter (if they asked). A
    commenter known only by a typed address is sent a link to confirm it (once a day).
    """
    user = user if user is not None and user.is_authenticated else None
    # By inbox: every spelling of one address meets the same limit (``by_mailbox``).
    _lock(f"inbox:{inbox(email)}", f"address:{address_hash}")
    now = timezone.now()
    existing = (
        Comment.objects.for_article(article)
        .by_email(email)
        .filter(body_hash=body_fingerprint(body))
        .first()
    )
    if existing is not None:
        raise DuplicateComment(existing)
    check_limits(email=email, user=user, address_hash=address_hash, now=now)

    verdict = rules.decide(
        rules.Candidate(
            name=name,
            email=email,
            body=body,
            seconds_to_post=seconds_to_post,
            honeypot=honeypot,
            identity=identity_proof,
            user=user,
        )
    )
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                article=article,
                parent=top_of_thread(parent),
                user=user,
                name=name,
                email=email,
                body=body,
                address_hash=address_hash,
                notify=notify,
                identity=identity_proof,
                status=verdict.status,
                held_by=verdict.rule,
                held_reason=verdict.explanation,
                created_at=now,
            )
    except IntegrityError:
        # Sent twice at the same instant from another server: the first one stands.
        raise DuplicateComment(
            Comment.objects.for_article(article)
            .by_email(email)
            .filter(body_hash=body_fingerprint(body))
            .first()
        ) from None
    if comment.status == Comment.Status.PENDING:
        notifications.schedule_moderation_digest()
    elif comment.status == Comment.Status.APPROVED:
        Article.objects.filter(pk=article.pk).comments_changed()
        notifications.notify_published(comment)
    if identity_proof == Comment.Identity.TYPED_EMAIL and comment.status != Comment.Status.SPAM:
        send_confirmation(comment)
    return comment


def send_confirmation(comment):
    """Offer the commenter a link that proves the address is theirs (once a day per address)."""
    queue_email(
        identity.confirmation_key(comment.email),
        "Confirm your email address for comments on Symptom Database",
        f"Hello {comment.name},\n\n"
        f"You commented on “{comment.article.title}” with this address. Comments from a "
        "confirmed address, in the browser where you confirm it, can appear without waiting "
        "for a moderator once one of them has been approved. To confirm, open this link "
        "(valid for 7 days) and press the button:\n\n"
        f"{identity.confirmation_url(comment.email)}\n\n"
        "If this was not you, ignore this email: nothing happens without the link.\n",
        [comment.email],
    )
