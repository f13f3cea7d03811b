from django import template

from comments.models import Comment

register = template.Library()


@register.inclusion_tag("admin/comments/waiting.html", takes_context=True)
def comments_waiting(context):
    """How many comments wait for moderation, for those who may moderate them."""
    request = context["request"]
    if not request.user.has_perm("comments.moderate_comment"):
        return {"show": False}
    return {
        "show": True,
        "waiting": Comment.objects.awaiting_moderation().count(),
        "reported": Comment.objects.with_open_reports().count(),
    }
