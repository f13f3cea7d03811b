"""Emails about the editorial workflow, queued in the same transaction as the step that caused
them (``symptomdb.background.queue_email``): submitting tells the reviewers, sending back tells
the author what to change, publishing (or scheduling) tells the author when readers see it.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from symptomdb.background import absolute, queue_email

PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def reviewer_emails(exclude_user_id=None):
    """Active accounts that may sign off medical reviews (groups, own permissions, superusers)."""
    users = get_user_model().objects.with_perm(
        "articles.review_article", backend=PERMISSION_BACKEND
    )
    if exclude_user_id:
        users = users.exclude(pk=exclude_user_id)
    return list(users.exclude(email="").values_list("email", flat=True))


def author_email(article):
    user = article.author.user
    return [user.email] if user is not None and user.is_active and user.email else []


def admin_link(article, view="change"):
    return absolute(reverse(f"admin:articles_article_{view}", args=[article.pk]))


def notify_submitted(event):
    article = event.article
    queue_email(
        f"article-submitted:{event.pk}",
        f"Awaiting your review: {article.title}",
        f"{event.actor_label} submitted “{article.title}” for medical review.\n\n"
        f"Read what changed and sign it off: {admin_link(article, 'workflow')}\n",
        reviewer_emails(exclude_user_id=event.actor_id),
    )


def notify_sent_back(event):
    article = event.article
    queue_email(
        f"article-sent-back:{event.pk}",
        f"Changes requested: {article.title}",
        f"{event.actor_label} sent “{article.title}” back to you with this note:\n\n"
        f"{event.note}\n\nEdit the article: {admin_link(article)}\n",
        author_email(article),
    )


def notify_published(version):
    when = (
        "is now live"
        if version.live_from <= timezone.now()
        else f"will go live on {timezone.localtime(version.live_from):%Y-%m-%d at %H:%M}"
    )
    queue_email(
        f"article-published:{version.pk}",
        f"Published: {version.title}",
        f"“{version.title}” {when}, medically reviewed on {version.reviewed_on:%Y-%m-%d}.\n\n"
        f"What changed: {version.change_note}\n\n"
        f"Readers' page: {absolute(version.get_absolute_url())}\n",
        author_email(version.article),
    )
