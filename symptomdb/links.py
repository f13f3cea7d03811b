"""URL reversal remembered per process: ``reverse`` here, and ``{% url %}`` in every template.

Django's ``reverse`` walks the URL patterns and quotes the arguments on each call, about 25 µs,
and an article page makes 26 of them (the site's links, the byline, breadcrumbs, each
comment's links). The answer depends only on the URL configuration, the script prefix and the
arguments, none of which a request changes, so the answer is kept: least recently used out
first, ``REMEMBERED`` at most. The configuration (its resolver, new after
``clear_url_caches``, as when a test changes ``ROOT_URLCONF``) and the prefix are part of the
key. Only names with text and whole-number arguments are kept: any other value reverses as
Django would, every time.
"""

import functools

from django.template import Library, defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.urls.resolvers import get_resolver
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

REMEMBERED = 4096
# Exactly these: True or a str enum would share a key with 1 or the plain text, and reverse
# differently. A template's literal is a SafeString.
KEPT_TYPES = {str, SafeString, int}

register = Library()


@functools.lru_cache(maxsize=REMEMBERED)
def _reversed(resolver, prefix, viewname, args, kwargs, current_app):
    # ``resolver`` and ``prefix`` are only the key: Django's reverse reads both itself.
    return django_reverse(viewname, args=args, kwargs=dict(kwargs), current_app=current_app)


def reverse(viewname, args=None, kwargs=None, current_app=None):
    """``django.urls.reverse(viewname, args=..., kwargs=...)``, remembered."""
    args = tuple(args or ())
    kwargs = tuple(sorted(kwargs.items())) if kwargs else ()
    values = [viewname, current_app, *args, *(value for _name, value in kwargs)]
    if not all(value is None or type(value) in KEPT_TYPES for value in values):
        return django_reverse(viewname, args=args, kwargs=dict(kwargs), current_app=current_app)
    resolver = get_resolver(get_urlconf())
    return _reversed(resolver, get_script_prefix(), viewname, args, kwargs, current_app)


class RememberedURLNode(defaulttags.URLNode):
    """Django's ``{% url %}`` node, reversing with ``reverse`` above."""

    def render(self, context):
        # As Django's URLNode.render, which imports django.urls.reverse where it calls it.
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """``{% url %}`` as Django parses it (``symptomdb.settings`` makes this library a builtin,
    loaded after Django's own, so every template's ``{% url %}`` is this one)."""
    node = defaulttags.url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
