"""The readers' pages in Jinja2: the environment (``environment``) and the template backend.

The public templates (everything in ``templates/`` but the admin's) are Jinja2 templates:
an article page spent about half of its time in Django's template engine, which resolves each
variable and tag through layers of Python objects on every render; Jinja2 compiles each
template to Python code once. The admin, and the form markup crispy-forms renders, stay
Django templates.

The names below are the Django tags and filters those templates use, as functions: ``url``
(remembered, ``symptomdb.links``), ``static``, ``time_tag``, ``querystring``... A Django filter
keeps its meaning (``pluralize``, ``floatformat``, ``linebreaks``...); a template writes Django's
``default`` (any false value) as ``value or "..."``, as Jinja2's ``default`` only replaces an
undefined one.
"""

import datetime
from types import SimpleNamespace

import jinja2
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django.template import defaultfilters, defaulttags
from django.template.backends import jinja2 as django_jinja2
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.structured_data import json_ld_script, website_structured_data
from authors.markup import rating_bars, rating_choices
from symptomdb.links import reverse


def url(viewname, *args, **kwargs):
    """``{% url %}``: the path of a named view, remembered per process."""
    return reverse(viewname, args=args, kwargs=kwargs)


def time_tag(value, with_time=False):
    """``<time datetime="2026-12-01">1 December 2026</time>``; with the time,
    ``<time datetime="2026-12-01T09:30:00+0000">1 December 2026, 09:30 UTC</time>``, in the
    current time zone; "" for no value, or one that is not a date.

    The text of Django's ``date`` filter with the formats "Y-m-d" and "j F Y" (with the time,
    "Y-m-d\\TH:i:sO" and "j F Y, H:i T"), made without its format parser: a third of the time
    (an article page shows a dozen dates).
    """
    if not isinstance(value, datetime.date):
        return ""
    value = timezone.template_localtime(value)
    day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    text = f"{value.day} {MONTHS[value.month]} {value.year:04d}"
    if with_time:
        if not isinstance(value, datetime.datetime):
            raise TypeError(f"{value!r} has no time to show")
        clock = f"{value.hour:02d}:{value.minute:02d}"
        offset, zone = _zone(value)
        day = f"{day}T{clock}:{value.second:02d}{offset}"
        text = f"{text}, {clock} {zone}"
    return format_html('<time datetime="{}">{}</time>', day, text)


def _zone(value):
    """(the UTC offset as "+0200", the zone's abbreviation) as Django's date formats give them:
    a naive time read in the default zone, and both empty at a time that a clock change makes
    ambiguous or impossible."""
    zone = value.tzinfo if timezone.is_aware(value) else timezone.get_default_timezone()
    if zone.utcoffset(value.replace(fold=not value.fold)) != zone.utcoffset(value):
        return "", ""
    seconds = int(zone.utcoffset(value).total_seconds())
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600:02d}{seconds // 60 % 60:02d}", str(zone.tzname(value))


@jinja2.pass_context
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


@jinja2.pass_context
def querystring(context, *args, **kwargs):
    """Django's ``{% querystring %}``: the request's query changed by ``kwargs`` (None drops a
    key), with its "?"."""
    return defaulttags.querystring(SimpleNamespace(request=context["request"]), *args, **kwargs)


@jinja2.pass_context
def website_json_ld(context):
    """The site's ``WebSite`` JSON-LD with its search action (for the home page)."""
    return json_ld_script(website_structured_data(context["request"]))


def default_if_none(value, default):
    return default if value is None else value


def linebreaks(value):
    return defaultfilters.linebreaks_filter(value, autoescape=True)


def environment(**options):
    # As a Django template: everything escaped but what is marked safe, and a missing value,
    # or an attribute of one, empty and false.
    options = {**options, "undefined": jinja2.ChainableUndefined}
    options.pop("autoescape", None)
    env = jinja2.Environment(**options, autoescape=True)
    env.globals.update(
        url=url,
        static=static,
        time_tag=time_tag,
        canonical_url=canonical_url,
        querystring=querystring,
        website_json_ld=website_json_ld,
        rating_bars=rating_bars,
        rating_choices=rating_choices,
    )
    env.filters.update(
        crispy=as_crispy_form,
        as_crispy_field=as_crispy_field,
        json_ld=json_ld_script,
        pluralize=defaultfilters.pluralize,
        floatformat=defaultfilters.floatformat,
        linebreaks=linebreaks,
        default_if_none=default_if_none,
    )
    return env


class PublicTemplates(jinja2.FileSystemLoader):
    """The templates in ``templates/`` but the admin's, which are Django templates."""

    def get_source(self, environment, template):
        if template.startswith("admin/"):
            raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)


class Jinja2(django_jinja2.Jinja2):
    """Django's Jinja2 backend loading ``PublicTemplates``, with ``Template`` below."""

    def __init__(self, params):
        params = {**params, "OPTIONS": {**params.get("OPTIONS", {})}}
        params["OPTIONS"].setdefault("loader", PublicTemplates(params.get("DIRS", [])))
        super().__init__(params)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)

    def from_string(self, template_code):
        return Template(super().from_string(template_code).template, self)


class Template(django_jinja2.Template):
    """Django's Jinja2 template, but the view's own values win over the context processors'
    (as in a Django template: the shared article page's CSRF placeholder, for one), its output
    is marked safe (as a Django template's is: it was escaped as it was rendered), and it has
    a ``_render(context)``, which the tests instrument as Django instruments its own templates'
    (``response.context``, ``assertTemplateUsed``)."""

    def __init__(self, template, backend):
        super().__init__(template, backend)
        self.name = self.origin.template_name  # as the test client reads it

    def render(self, context=None, request=None):
        context = {} if context is None else context
        if request is not None:
            provided = {"request": request}
            for processor in self.backend.template_context_processors:
                provided.update(processor(request))
            context = {**provided, **context}
        return self._render(context)

    def _render(self, context):
        try:
            return mark_safe(self.template.render(context))  # noqa: S308
        except jinja2.TemplateSyntaxError as exc:
            error = django_jinja2.TemplateSyntaxError(exc.args)
            error.template_debug = django_jinja2.get_exception_info(exc)
            raise error from exc
