from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_protect
from django.views.generic import ListView

from articles import page_cache
from articles.models import PublishedVersion
from symptomdb.addresses import request_origin
from symptomdb.inputs import (
    PageField,
    PageParameters,
    ParameterForm,
    ParametersMixin,
    next_path,
)
from symptomdb.responses import too_many_requests

from .forms import RatingForm
from .models import Author, AuthorAffiliation
from .ratings import (
    RatingLimitReached,
    new_reader,
    rate_author,
    rating_context,
    rating_refusal,
    reader_for,
    remember_reader,
)


class AuthorListParameters(ParameterForm):
    sort = forms.ChoiceField(choices=[("name", "name"), ("rating", "rating")], required=False)
    page = PageField()


class AuthorListView(ParametersMixin, ListView):
    """Every author, sortable by name or by damped average rating."""

    template_name = "authors/author_list.html"
    context_object_name = "authors"
    paginate_by = 50
    parameters_form = AuthorListParameters

    def get_queryset(self):
        self.sort = self.parameters["sort"] or "name"
        authors = Author.objects.with_rating().with_primary_affiliation()
        if self.sort == "rating":
            return authors.by_rating()
        return authors.order_by("name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sort=self.sort,
            rating_min_count=settings.RATING_MIN_COUNT,
            rating_prior_weight=settings.RATING_PRIOR_WEIGHT,
            rating_prior_mean=settings.RATING_PRIOR_MEAN,
            **kwargs,
        )


class AuthorDetailView(ParametersMixin, ListView):
    """An author's page: who they are, where they work, their rating and their articles.

    Anonymous readers get it from ``articles.page_cache``; rendered for that cache
    (``request.shared_page``), it holds no reader's data, only placeholders.
    """

    template_name = "authors/author_detail.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    parameters_form = PageParameters

    def get_queryset(self):
        links = AuthorAffiliation.objects.select_related("affiliation")
        self.author = get_object_or_404(
            Author.objects.prefetch_related(Prefetch("affiliation_links", queryset=links)),
            slug=self.kwargs["slug"],
        )
        return (
            PublishedVersion.objects.live()
            .for_author(self.author)
            .select_related("category")
            .newest_first()
        )

    def get_context_data(self, **kwargs):
        if getattr(self.request, "shared_page", False):
            reader = {"rating_refusal": "", "reader_score": None, "reader_rating_held": False}
            reader["csrf_token"] = page_cache.csrf_placeholder()
        else:
            reader = rating_context(self.request, self.author)
        return super().get_context_data(author=self.author, **reader, **kwargs)


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _back(request, author):
    return next_path(request, author.get_absolute_url())


def _refused(request, author, message, status):
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    return TemplateResponse(
        request,
        "authors/rate_refused.html",
        {"author": author, "message": message, "back": _back(request, author)},
        status=status,
    )


@csrf_protect
def rate(request, slug):
    """Record the reader's 1 to 5 star rating of an author; redirect back, or answer JSON."""
    author = get_object_or_404(Author, slug=slug)
    if request.method != "POST":
        response = _refused(request, author, "Rate an author with the form on their page.", 405)
        response["Allow"] = "POST"
        return response
    if refusal := rating_refusal(request.user, author):
        return _refused(request, author, refusal, 403)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _refused(request, author, form.errors["score"][0], 400)
    reader = reader_for(request)
    if not reader.is_known:
        reader = new_reader()
    score = form.cleaned_data["score"]
    try:
        rating, created = rate_author(author, score, reader=reader, origin=request_origin(request))
    except RatingLimitReached as limit:
        return too_many_requests(
            request, limit, back=(_back(request, author), f"Back to {author.display_name}")
        )

    message = (
        f"Thank you: you rated {author.name} {score} of 5."
        if created
        else f"Your rating of {author.name} is now {score} of 5."
    )
    if rating.is_held:
        message += " It counts in the author's rating once our checks pass."
    if _wants_json(request):
        author.refresh_from_db()
        summary = author.rating_summary
        response = JsonResponse(
            {
                "ok": True,
                "message": message,
                "score": score,
                "created": created,
                "held": rating.is_held,
                "summary": summary.as_dict(),
                "summary_html": render_to_string(
                    "authors/includes/rating_summary.html",
                    {"author": author, "summary": summary},
                    request=request,
                ),
            }
        )
    else:
        messages.success(request, message)
        response = redirect(_back(request, author))
    remember_reader(response, reader)
    return response
