from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles.models import PublishedVersion
from articles.views import ArticleDetailView
from symptomdb.addresses import request_address_hash

from .forms import CommentForm
from .models import Comment, comments_open
from .notifications import email_from_unsubscribe_token
from .posting import DuplicateComment, RateLimited, post_comment
from .section import JUST_POSTED_SESSION_KEY, OWN_COMMENTS_KEPT, OWN_COMMENTS_SESSION_KEY


def article_page_with_errors(request, article, form):
    """The article page exactly as readers see it, with the refused form and its errors."""
    view = ArticleDetailView(comment_form=form)
    view.setup(request, slug=article.slug)
    view.object = view.get_object()
    return view.render_to_response(view.get_context_data(), status=400)


def refused(request, article, message, status):
    return render(
        request, "comments/refused.html", {"article": article, "message": message}, status=status
    )


@require_POST
def post(request, slug):
    """Post a comment on an article, then redirect back to it (or show the form's errors)."""
    article = get_object_or_404(
        PublishedVersion.objects.live().select_related("article"), slug=slug
    )
    if not comments_open(article):
        return refused(request, article, "Comments are closed on this article.", 403)
    form = CommentForm(request.POST, article=article.article_id)
    if not form.is_valid():
        return article_page_with_errors(request, article, form)

    data = form.cleaned_data
    try:
        comment = post_comment(
            article.article,
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
