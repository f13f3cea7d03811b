"""Posting a new comment: the one write for a reader's comment, whatever the front end."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article

from . import notifications, rules
from .models import Comment


class CommentRefused(Exception):
    """The comment was not stored; ``message`` says why, for the reader."""

    message = ""


class RateLimited(CommentRefused):
    message = (
        "You have posted several comments in the last few minutes. "
        "Please wait a little before posting again."
    )


class DuplicateComment(CommentRefused):
    message = "You have already posted this comment; it is not posted twice."


def top_of_thread(parent):
    """Replies are shown one level deep: a reply to a reply joins the top-level thread."""
    return parent.parent if parent is not None and parent.parent_id else parent


@transaction.atomic
def post_comment(
    article,
    *,
    name,
    email,
    body,
    address_hash,
    parent=None,
    user=None,
    notify=False,
    seconds_to_post=float("inf"),
    honeypot="",
):
    """Store a new comment with the status the automatic rules give it, or refuse it.

    Raises ``RateLimited`` past ``COMMENTS_RATE_LIMIT`` comments per address per window and
    ``DuplicateComment`` for the same text posted again; neither stores anything. A held comment
    goes into the moderators' next digest; an approved one tells its commenter (if they asked).
    """
    since = timezone.now() - timedelta(seconds=settings.COMMENTS_RATE_WINDOW_SECONDS)
    if (
        Comment.objects.from_address_since(address_hash, since).count()
        >= settings.COMMENTS_RATE_LIMIT
    ):
        raise RateLimited
    same_text = Comment.objects.for_article(article).filter(body=body)
    if same_text.filter(email__iexact=email).exists() or (
        address_hash and same_text.filter(address_hash=address_hash).exists()
    ):
        raise DuplicateComment

    verdict = rules.decide(
        rules.Candidate(
            name=name, email=email, body=body, seconds_to_post=seconds_to_post, honeypot=honeypot
        )
    )
    comment = Comment.objects.create(
        article=article,
        parent=top_of_thread(parent),
        user=user if user is not None and user.is_authenticated else None,
        name=name,
        email=email,
        body=body,
        address_hash=address_hash,
        notify=notify,
        status=verdict.status,
        held_by=verdict.rule,
        held_reason=verdict.explanation,
    )
    if comment.status == Comment.Status.PENDING:
        notifications.schedule_moderation_digest()
    elif comment.status == Comment.Status.APPROVED:
        Article.objects.filter(pk=article.pk).comments_changed()
        notifications.notify_published(comment)
    return comment
