from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from symptomdb.addresses import request_address_hash

from .forms import CommentForm
from .models import Comment, comments_open
from .notifications import email_from_unsubscribe_token
from .posting import DuplicateComment, RateLimited, post_comment

OWN_COMMENTS_SESSION_KEY = "comments_own"
JUST_POSTED_SESSION_KEY = "comments_just_posted"
OWN_COMMENTS_KEPT = 20


def comment_section(request, article, *, form=None):
    """Everything the comment block under an article shows, in a fixed number of queries."""
    is_open = comments_open(article)
    threads = article.comments.approved().threads().with_author_profiles().with_approved_replies()
    page = Paginator(threads, settings.COMMENTS_PER_PAGE).get_page(request.GET.get("comments"))
    for comment in page:
        comment.badge = comment.badge_for(article)
        for reply in comment.approved_replies:
            reply.badge = reply.badge_for(article)

    own_ids = request.session.get(OWN_COMMENTS_SESSION_KEY)
    own_pending = (
        list(
            article.comments.filter(
                pk__in=own_ids, status__in=[Comment.Status.PENDING, Comment.Status.SPAM]
            )
        )
        if own_ids
        else []
    )
    replying_to = None
    if is_open and form is None:
        initial = {}
        user = request.user
        if user.is_authenticated:
            initial = {"name": user.get_full_name() or user.get_username(), "email": user.email}
        reply_pk = request.GET.get("reply_to", "")
        if reply_pk.isdigit():
            replying_to = article.comments.approved().filter(pk=reply_pk).first()
            if replying_to is not None:
                initial["parent"] = replying_to.pk
        form = CommentForm(article=article, initial=initial)
    elif form is not None:
        replying_to = form.parent_comment
    return {
        "comment_section": {
            "is_open": is_open,
            "page": page,
            "own_pending": own_pending,
            "form": form if is_open else None,
            "replying_to": replying_to,
            "just_posted": request.session.pop(JUST_POSTED_SESSION_KEY, False),
        }
    }


class ArticleCommentsMixin:
    """Adds the article's comment block to a detail view of an article."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(comment_section(self.request, self.object))
        return context


def refused(request, article, message, status):
    return render(
        request, "comments/refused.html", {"article": article, "message": message}, status=status
    )


@require_POST
def post(request, slug):
    """Post a comment on an article, then redirect back to it (or show the form's errors)."""
    article = get_object_or_404(
        Article.objects.published().with_byline().with_sections(), slug=slug
    )
    if not comments_open(article):
        return refused(request, article, "Comments are closed on this article.", 403)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        context = {"article": article, "object": article}
        context.update(comment_section(request, article, form=form))
        return render(request, "articles/article_detail.html", context, status=400)

    data = form.cleaned_data
    try:
        comment = post_comment(
            article,
            name=data["name"],
            email=data["email"],
            body=data["body"],
            parent=form.parent_comment,
            user=request.user,
            notify=data["notify"],
            address_hash=request_address_hash(request),
            seconds_to_post=form.seconds_to_post,
            honeypot=data["website"],
        )
    except RateLimited as refusal:
        return refused(request, article, refusal.message, 429)
    except DuplicateComment as refusal:
        messages.warning(request, refusal.message)
        request.session[JUST_POSTED_SESSION_KEY] = True
        return redirect(article.get_absolute_url() + "#comments")

    request.session[JUST_POSTED_SESSION_KEY] = True
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Thank you — your comment is published.")
        return redirect(article.get_absolute_url() + f"#{comment.anchor}")
    own = [comment.pk, *request.session.get(OWN_COMMENTS_SESSION_KEY, [])]
    request.session[OWN_COMMENTS_SESSION_KEY] = own[:OWN_COMMENTS_KEPT]
    messages.success(request, "Thank you — your comment is awaiting moderation.")
    return redirect(article.get_absolute_url() + "#comments")


@require_GET
def unsubscribe(request, token):
    """One-click unsubscribe from comment emails, from a signed link; no sign-in."""
    email = email_from_unsubscribe_token(token)
    if email is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    Comment.objects.by_email(email).update(notify=False)
    return render(request, "comments/unsubscribe.html", {"invalid": False})
