"""The comment block under an article: what it shows, in a fixed number of queries.

``ArticleCommentsMixin`` adds it to the article page; a form with errors is shown in the same
block of the same page. The page every anonymous reader shares (``shared``) has no reader's
own data: no pending comments, no notice, no remembered name, and a placeholder for the form's
start time (``articles.page_cache`` fills it in per request).
"""

from datetime import timedelta
from functools import cache, cached_property

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from symptomdb.compiled import CompiledQuery

from .forms import CommentForm
from .identity import Commenter, commenter_from
from .models import Comment, comments_open

OWN_COMMENTS_SESSION_KEY = "comments_own"
NOTICE_SESSION_KEY = "comments_notice"
OWN_COMMENTS_KEPT = 20


@cache
def placeholder_secret():
    """Part of every placeholder in a shared page, derived from the secret key: a reader who
    could type a placeholder into a comment or a search would have it filled in, in the page
    every other reader gets, with that reader's token."""
    return salted_hmac("symptomdb.page-placeholders", "v1", algorithm="sha256").hexdigest()[:24]


def started_placeholder(article_id):
    """The form's start time in the shared page, for the article with that id."""
    return f"__SDB_FORM_STARTED_{placeholder_secret()}_{article_id}__"


def started_placeholder_pattern():
    return rf"__SDB_FORM_STARTED_{placeholder_secret()}_(\d+)__"


def tell_commenter(request, text, kind="success"):
    """A notice shown once, in the comment block itself (next to what it is about), on the
    commenter's next view of the page."""
    request.session[NOTICE_SESSION_KEY] = {"text": text, "kind": kind}


def own_comment_ids(request):
    """The comments this browser's session posted (newest first)."""
    return set(request.session.get(OWN_COMMENTS_SESSION_KEY, []))


def may_change(comment, now=None):
    """Whether its commenter may still edit or withdraw ``comment``: within
    ``COMMENTS_EDIT_MINUTES`` of posting, or while it waits for a moderator (nobody can have
    answered it yet); never once withdrawn or refused."""
    if comment.is_withdrawn or comment.status in {Comment.Status.REJECTED, Comment.Status.SPAM}:
        return False
    if comment.status == Comment.Status.PENDING:
        return True
    window = timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)
    return (now or timezone.now()) - comment.created_at <= window


def is_own(request, comment, own_ids=None):
    user = request.user
    if user.is_authenticated and comment.user_id == user.pk:
        return True
    return comment.pk in (own_comment_ids(request) if own_ids is None else own_ids)


def page_comments(article, start, stop):
    """The approved threads of ``article`` from the ``start``th to before the ``stop``th, with
    their approved replies, oldest first."""
    comments = Comment.objects.for_article(article).approved()
    return comments.as_shown().in_threads(comments.threads()[start:stop])


# Every uncached article page reads it (symptomdb.compiled), the slice compiled in.
PAGE_COMMENTS = CompiledQuery(Comment, page_comments, article=int, shaped=("start", "stop"))


class ArticleThreads:
    """An article's approved threads as its paginator slices them: a page's threads with their
    approved replies (``approved_replies``), in one query."""

    def __init__(self, article, per_page):
        self.article, self.per_page = article, per_page

    def __getitem__(self, page):
        # Read as a whole page: the paginator ends the last page at the count it was told,
        # and each count would otherwise be a shape of its own.
        size = page.stop - page.start
        threads, replies = [], {}
        for comment in PAGE_COMMENTS.fetch(
            article=self.article, start=page.start, stop=page.start + max(size, self.per_page)
        ):
            if comment.parent_id is None:
                threads.append(comment)
            else:
                replies.setdefault(comment.parent_id, []).append(comment)
        threads = threads[:size]
        for thread in threads:
            thread.approved_replies = replies.get(thread.pk, [])
        return threads


class CountedPaginator(Paginator):
    """A paginator told the number of items, counted with the page's main query."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


def comment_page(paginator, number, *, strict):
    """The page of threads ``?comments=`` asks for (a number or "last"). ``strict``: a page
    past the last is not found (each would be one more page to cache); else, answering a post,
    the nearest page, so that the reader's form with their text is shown whatever happened."""
    if number == "last":
        number = paginator.num_pages
    if not strict:
        return paginator.get_page(number)
    try:
        return paginator.page(number or 1)
    except InvalidPage:
        raise Http404("There is no such page of comments.") from None


def comment_section(request, version, *, form=None, shared=False):
    """Everything the comment block under an article shows, in a fixed number of queries.

    ``version`` is the published version on the page (fetched ``with_comment_state()``);
    comments belong to its article.
    """
    is_open = comments_open(version)
    paginator = CountedPaginator(
        ArticleThreads(version.article_id, settings.COMMENTS_PER_PAGE),
        settings.COMMENTS_PER_PAGE,
        count=version.approved_threads,
    )
    page = comment_page(paginator, request.GET.get("comments"), strict=form is None)
    own_ids = set() if shared else own_comment_ids(request)
    now = timezone.now()
    for comment in page:
        for shown in [comment, *comment.approved_replies]:
            shown.badge = shown.badge_for(version)
            shown.changeable = (
                not shared and is_own(request, shown, own_ids) and may_change(shown, now)
            )

    own_pending = (
        list(
            Comment.objects.for_article(version.article_id).filter(
                pk__in=own_ids, status__in=[Comment.Status.PENDING, Comment.Status.SPAM]
            )
        )
        if own_ids
        else []
    )
    for comment in own_pending:
        comment.changeable = may_change(comment, now)
    commenter = Commenter() if shared else commenter_from(request)
    replying_to = None
    if is_open and form is None:
        initial = {"started": started_placeholder(version.article_id)} if shared else {}
        user = request.user
        if not shared and user.is_authenticated:
            initial = {"name": user.get_full_name() or user.get_username(), "email": user.email}
        elif commenter.email:
            initial = {"name": commenter.name, "email": commenter.email, "remember": True}
        reply_pk = request.GET.get("reply_to", "")
        if reply_pk.isdigit():
            replying_to = (
                Comment.objects.for_article(version.article_id)
                .shown()
                .only("name")
                .filter(pk=reply_pk)
                .first()
            )
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
            "remembered": commenter.email if commenter.name else "",
            "notice": None if shared else request.session.pop(NOTICE_SESSION_KEY, None),
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
