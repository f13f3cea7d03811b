from django import template

from articles.structured_data import json_ld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The absolute URL of the current page without its query string."""
    request = context.get("request")
    return request.build_absolute_uri(request.path) if request else ""


@register.filter
def json_ld(data):
    """Render Python data as a JSON-LD script element that no text can break out of."""
    return json_ld_script(data)
