from django import template

from articles.structured_data import json_ld_script, website_structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context, path=""):
    """The absolute URL of the current page: ``path`` (an object's own URL, whatever URL
    answered the request) or the request's path, plus the number of the list's page beyond
    the first (as the paginator read it; a page without a list has none)."""
    request = context.get("request")
    if request is None:
        return ""
    path = path or request.path
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        path = f"{path}{'&' if '?' in path else '?'}page={page.number}"
    return request.build_absolute_uri(path)


@register.filter
def json_ld(data):
    """Render Python data as a JSON-LD script element that no text can break out of."""
    return json_ld_script(data)


@register.simple_tag(takes_context=True)
def website_json_ld(context):
    """The site's ``WebSite`` JSON-LD with its search action (for the home page)."""
    return json_ld_script(website_structured_data(context["request"]))
