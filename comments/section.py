"""The comment block under an article: what it shows, in a fixed number of queries.

``ArticleCommentsMixin`` adds it to the article page; a form with errors is shown in the same
block of the same page. The page every anonymous reader shares (``shared``) has no reader's
own data: no pending comments, no "just posted" notice, and a placeholder for the form's start
time (``articles.page_cache`` fills it in per request).
"""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator

from .forms import CommentForm
from .models import Comment, comments_open

OWN_COMMENTS_SESSION_KEY = "comments_own"
JUST_POSTED_SESSION_KEY = "comments_just_posted"
OWN_COMMENTS_KEPT = 20
STARTED_PLACEHOLDER = "__SDB_FORM_STARTED__"


class CountedPaginator(Paginator):
    """A paginator told the number of items, counted with the page's main query."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


def comment_section(request, version, *, form=None, shared=False):
    """Everything the comment block under an article shows, in a fixed number of queries.

    ``version`` is the published version on the page (fetched ``with_comment_state()``);
    comments belong to its article.
    """
    is_open = comments_open(version)
    comments = Comment.objects.for_article(version.article_id)
    threads = comments.approved().threads().with_author_profiles().with_approved_replies()
    paginator = CountedPaginator(
        threads, settings.COMMENTS_PER_PAGE, count=version.approved_threads
    )
    page = paginator.get_page(request.GET.get("comments"))
    for comment in page:
        comment.badge = comment.badge_for(version)
        for reply in comment.approved_replies:
            reply.badge = reply.badge_for(version)

    own_ids = None if shared else request.session.get(OWN_COMMENTS_SESSION_KEY)
    own_pending = (
        list(
            comments.filter(
                pk__in=own_ids, status__in=[Comment.Status.PENDING, Comment.Status.SPAM]
            )
        )
        if own_ids
        else []
    )
    replying_to = None
    if is_open and form is None:
        initial = {"started": STARTED_PLACEHOLDER} if shared else {}
        user = request.user
        if not shared and user.is_authenticated:
            initial = {"name": user.get_full_name() or user.get_username(), "email": user.email}
        reply_pk = request.GET.get("reply_to", "")
        if reply_pk.isdigit():
            replying_to = comments.approved().filter(pk=reply_pk).first()
            if replying_to is not None:
                initial["parent"] = replying_to.pk
        form = CommentForm(article=version.article_id, initial=initial)
    elif form is not None:
        replying_to = form.parent_comment
    return {
        "comment_section": {
            "is_open": is_open,
            "page": page,
            "own_pending": own_pending,
            "form": form if is_open else None,
            "replying_to": replying_to,
            "just_posted": False if shared else request.session.pop(JUST_POSTED_SESSION_KEY, False),
        }
    }


class ArticleCommentsMixin:
    """Adds the article's comment block to a detail view of an article."""

    # A bound form with errors, when the page answers a comment post that was refused.
    comment_form = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            comment_section(self.request, self.object, form=self.comment_form, shared=self.shared)
        )
        return context
