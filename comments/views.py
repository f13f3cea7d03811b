"""Readers' comment actions: post (on the article's own address), confirm an email address,
forget a remembered commenter, unsubscribe; and, for one's own comments and others', edit,
withdraw and report (the changes themselves are ``comments.changes``)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import PublishedVersion
from authors.ratings import anonymous_reader, new_reader, remember_reader
from symptomdb.addresses import address_hash, request_address_hash, request_origin
from symptomdb.inputs import next_path
from symptomdb.responses import too_many_requests

from . import changes, identity
from .forms import CommentEditForm, CommentForm, ReportForm
from .models import Comment, comments_open
from .notifications import email_from_unsubscribe_token
from .posting import DuplicateComment, RateLimited, post_comment
from .section import (
    OWN_COMMENTS_KEPT,
    OWN_COMMENTS_SESSION_KEY,
    is_own,
    may_change,
    tell_commenter,
)


def refused(request, article, message, status):
    return render(
        request, "comments/refused.html", {"article": article, "message": message}, status=status
    )


def back_to_comments(article):
    return (f"{article.get_absolute_url()}#comments", f"Back to “{article.title}”")


def answer_comment_post(view, request):
    """Answer a comment posted to the article page ``view`` (its ``object`` the live version):
    redirect back to the page on success (a reload never posts again), or show the page with
    the form, its errors and the reader's text."""
    version = view.object
    if not comments_open(version):
        return refused(request, version, "Comments are closed on this article.", 403)
    form = CommentForm(request.POST, article=version.article_id, user=request.user)
    if not form.is_valid():
        view.comment_form = form
        return view.render_to_response(view.get_context_data(), status=400)

    data = form.cleaned_data
    proof = identity.identity_of(request, data["email"])
    try:
        comment = post_comment(
            version.article,
            name=data["name"],
            email=data["email"],
            body=data["body"],
            parent=form.parent_comment,
            user=request.user,
            notify=data["notify"],
            address_hash=request_address_hash(request),
            identity_proof=proof,
            seconds_to_post=form.seconds_to_post,
            honeypot=data["website"],
        )
    except RateLimited as limit:
        return too_many_requests(request, limit, back=back_to_comments(version))
    except DuplicateComment as duplicate:
        tell_commenter(request, duplicate.message, kind="warning")
        shown = duplicate.comment is not None and duplicate.comment.status == "approved"
        anchor = duplicate.comment.anchor if shown else "comments"
        return redirect(f"{version.get_absolute_url()}#{anchor}")

    own = [comment.pk, *request.session.get(OWN_COMMENTS_SESSION_KEY, [])]
    request.session[OWN_COMMENTS_SESSION_KEY] = own[:OWN_COMMENTS_KEPT]
    if comment.status == Comment.Status.APPROVED:
        tell_commenter(request, "Thank you — your comment is published.")
        response = redirect(f"{version.get_absolute_url()}#{comment.anchor}")
    else:
        notice = "Thank you — your comment is awaiting moderation."
        if proof == Comment.Identity.TYPED_EMAIL:
            notice += (
                " We have emailed you a link to confirm your address (once a day at most): "
                "once confirmed here and approved, your next comments appear at once."
            )
        tell_commenter(request, notice)
        response = redirect(f"{version.get_absolute_url()}#comments")
    remember_after_post(request, response, data)
    return response


def remember_after_post(request, response, data):
    """Keep the name and email in this browser if the commenter asked, forget them if not;
    a confirmed email stays (it is what proves the commenter)."""
    current = identity.commenter_from(request)
    if data["remember"]:
        updated = identity.Commenter(data["name"], data["email"], current.confirmed_email)
    else:
        updated = identity.Commenter(confirmed_email=current.confirmed_email)
    if updated != current:
        identity.remember_commenter(response, updated)


@require_POST
def post(request, slug):
    """The old address of the comment form: the article's own address answers posts now."""
    target = reverse("articles:detail", kwargs={"slug": slug})
    return HttpResponseRedirect(target, status=307)


@require_http_methods(["GET", "POST"])
def confirm_email(request, token):
    """A confirmation link from an email: a button that confirms the address in this browser
    (a button, so that mail scanners opening links confirm nothing)."""
    email = identity.email_from_confirmation(token)
    if email is None:
        return render(request, "comments/confirm_email.html", {"invalid": True}, status=400)
    if request.method == "GET":
        return render(request, "comments/confirm_email.html", {"email": email})
    current = identity.commenter_from(request)
    name = current.name if current.email else ""
    remembered = identity.Commenter(name, current.email, confirmed_email=email)
    messages.success(
        request,
        f"Thank you: {email} is confirmed in this browser. Once a comment of yours has been "
        "approved, your next comments from here appear without waiting.",
    )
    response = redirect("articles:home")
    identity.remember_commenter(response, remembered)
    return response


@require_POST
def forget_commenter(request):
    """Forget the name, email and confirmation this browser remembers."""
    back = next_path(request, reverse("articles:home"))
    messages.success(request, "This browser no longer remembers your name and email.")
    response = redirect(back)
    identity.remember_commenter(response, identity.Commenter())
    return response


@require_GET
def unsubscribe(request, token):
    """One-click unsubscribe from comment emails, from a signed link; no sign-in."""
    email = email_from_unsubscribe_token(token)
    if email is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    Comment.objects.by_email(email).update(notify=False)
    return render(request, "comments/unsubscribe.html", {"invalid": False})


# One's own comment: edit and withdraw, from the same browser or account.


def _own_changeable(request, pk):
    """The comment ``pk`` if this reader posted it and may still change it, else a refusal."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    version = PublishedVersion.objects.live().filter(article_id=comment.article_id).first()
    if version is None:
        raise Http404
    if not is_own(request, comment):
        if comment.status != Comment.Status.APPROVED:
            # Another reader's held or refused comment: not even its existence is public.
            raise Http404
        return (
            comment,
            version,
            refused(request, version, "Only the person who posted a comment may change it.", 403),
        )
    if not may_change(comment):
        minutes = settings.COMMENTS_EDIT_MINUTES
        return (
            comment,
            version,
            refused(
                request,
                version,
                f"A comment can be changed for {minutes} minutes after posting, or while it waits "
                "for a moderator. This one can no longer be changed.",
                403,
            ),
        )
    return comment, version, None


def _back_to(version, comment):
    shown = comment.status == Comment.Status.APPROVED
    return redirect(f"{version.get_absolute_url()}#{comment.anchor if shown else 'comments'}")


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    comment, version, refusal = _own_changeable(request, pk)
    if refusal is not None:
        return refusal
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            changed = changes.edit_comment(comment, form.cleaned_data["body"])
        except ValueError as error:
            form.add_error("body", str(error))
        else:
            if not changed:
                tell_commenter(request, "Your comment is unchanged.")
            elif comment.status == Comment.Status.PENDING:
                tell_commenter(request, "Your comment is changed and waits for a moderator.")
            else:
                tell_commenter(request, "Your comment is changed.")
            return _back_to(version, comment)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "comments/edit.html",
        {"form": form, "comment": comment, "article": version},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    comment, version, refusal = _own_changeable(request, pk)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        changes.withdraw_comment(comment)
        tell_commenter(request, "Your comment is withdrawn.")
        return redirect(f"{version.get_absolute_url()}#comments")
    return render(request, "comments/withdraw.html", {"comment": comment, "article": version})


# Reports.


def reporter_for(request, response=None):
    """The reporting reader as a keyed hash (account, else the reader token, given now if
    the browser has none), with their address."""
    if request.user.is_authenticated:
        key = f"user:{request.user.pk}"
    else:
        reader = anonymous_reader(request)
        if not reader.is_known:
            reader = new_reader()
            if response is not None:
                remember_reader(response, reader)
        key = f"token:{reader.token}"
    origin = request_origin(request)
    return changes.Reporter(
        key=address_hash(key), address_hash=origin.address_hash, network_hash=origin.network_hash
    )


@require_http_methods(["GET", "POST"])
def report(request, pk):
    comment = get_object_or_404(Comment.objects.shown().select_related("article"), pk=pk)
    version = PublishedVersion.objects.live().filter(article_id=comment.article_id).first()
    if version is None:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = redirect(f"{version.get_absolute_url()}#comments")
        try:
            changes.report_comment(
                comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                reporter=reporter_for(request, response),
            )
        except changes.AlreadyReported as already:
            tell_commenter(request, already.message, kind="warning")
            return response
        except changes.TooManyReports as limit:
            return too_many_requests(request, limit, back=back_to_comments(version))
        tell_commenter(request, "Thank you for your report: a moderator will look at it.")
        return response
    return render(
        request,
        "comments/report.html",
        {"form": form, "comment": comment, "article": version},
        status=400 if form.is_bound else 200,
    )
