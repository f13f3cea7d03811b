from datetime import timedelta

from django import template
from django.utils import timezone

from articles.models import Article, PublishedVersion
from authors.models import Rating
from symptomdb.models import CspReport, OutgoingEmail
from symptomdb.roles import is_editor, may_review

register = template.Library()

PANEL_ROWS = 10


@register.inclusion_tag("admin/articles/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    """The editorial panels of the admin's front page, each for those it concerns.

    Reviewers: the articles awaiting review. Editors: the live articles due for a new review.
    Authors: their articles sent back with a note. Editors also see what waits for them in
    running the site: held ratings, the week's browser security reports, failed emails. A fixed
    number of queries.
    """
    user = context["request"].user
    panels = {}
    if may_review(user):
        waiting = Article.objects.awaiting_review().exclude(author__user=user)
        panels["awaiting"] = {"count": waiting.count(), "articles": waiting[:PANEL_ROWS]}
    if is_editor(user):
        due = PublishedVersion.objects.live().due_for_review().order_by("reviewed_on", "pk")
        panels["due"] = {"count": due.count(), "versions": due[:PANEL_ROWS]}
        week_ago = timezone.now() - timedelta(days=7)
        panels["checks"] = {
            "held_ratings": Rating.objects.held().count(),
            "csp_reports": CspReport.objects.since(week_ago).count(),
            "failed_emails": OutgoingEmail.objects.failed().count(),
        }
    if hasattr(user, "author_profile"):
        sent_back = Article.objects.filter(author__user=user).sent_back().order_by("-sent_back_at")
        panels["sent_back"] = list(sent_back[:PANEL_ROWS])
    return {"panels": panels}
