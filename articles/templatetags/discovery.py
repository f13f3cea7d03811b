from django import template

from articles.structured_data import json_ld_script, website_structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context, path=""):
    """The absolute URL of the current page: ``path`` (an object's own URL, whatever URL
    answered the request) or the request's path, plus the page number beyond page 1."""
    request = context.get("request")
    if request is None:
        return ""
    path = path or request.path
    page = request.GET.get("page", "")
    if page.isdigit() and int(page) > 1:
        path = f"{path}{'&' if '?' in path else '?'}page={int(page)}"
    return request.build_absolute_uri(path)


@register.filter
def json_ld(data):
    """Render Python data as a JSON-LD script element that no text can break out of."""
    return json_ld_script(data)


@register.simple_tag(takes_context=True)
def website_json_ld(context):
    """The site's ``WebSite`` JSON-LD with its search action (for the home page)."""
    return json_ld_script(website_structured_data(context["request"]))
