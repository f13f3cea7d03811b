"""How the admin describes and previews an article's public side.

``public_state`` says in words what readers see of an article and what waits ("Live, with
unpublished changes"); ``preview_context`` renders the working copy with the same code that
publishing uses, as readers would see it, without saving anything.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from .models import Article, PublishedVersion, Reference, Section
from .versions import render_version
from .views import article_page_context


@dataclass(frozen=True)
class PublicState:
    label: str
    detail: str = ""


def _when(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def public_state(article):
    """What readers see of ``article`` (annotated by ``with_public_state``) and what waits."""
    if not hasattr(article, "live_version_id"):
        article = Article.objects.with_public_state().get(pk=article.pk)
    in_review = article.status == Article.Status.IN_REVIEW
    if article.live_version_id is None:
        if article.scheduled_for:
            return PublicState(f"Scheduled for {_when(article.scheduled_for)}")
        return PublicState("In review" if in_review else "Draft")
    if article.scheduled_for:
        return PublicState("Live", f"A new version is scheduled for {_when(article.scheduled_for)}")
    if article.latest_revision_id == article.live_revision_id:
        return PublicState("Live")
    who = article.latest_revision_by or "an import"
    label = "Live, changes in review" if in_review else "Live, with unpublished changes"
    return PublicState(label, f"Changed by {who}, {_when(article.latest_revision_at)}")


def preview_version(article):
    """The working copy rendered as a published version would be; nothing is saved."""
    article = (
        Article.objects.select_related("category", "author")
        .prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position")),
            Prefetch("references", queryset=Reference.objects.order_by("position")),
        )
        .get(pk=article.pk)
    )
    version = render_version(
        article.content(), article=article, category=article.category, author=article.author
    )
    live = PublishedVersion.objects.live().filter(article=article).first()
    if live is not None:
        version.first_published_at = live.first_published_at
        version.changes = live.changes
    return version, live


def preview_context(request, article):
    """The article page's context for the working copy, with a banner saying what it is."""
    version, live = preview_version(article)
    state = public_state(article)
    if live is None:
        explanation = "readers cannot see this article yet; this is how it will look."
    else:
        explanation = (
            "readers still see the published version; this is how the working copy "
            "would look once it is reviewed and published."
        )
    return {
        **article_page_context(request, version),
        # The rating form as an anonymous reader sees it, whoever previews.
        "rating_refusal": "",
        "reader_score": None,
        "article": version,
        "object": version,
        "related_articles": PublishedVersion.objects.live().related_to(article.pk),
        "comment_section": None,
        "preview": {
            "state": state.label,
            "explanation": explanation,
            "admin_url": reverse("admin:articles_article_change", args=[article.pk]),
        },
    }
