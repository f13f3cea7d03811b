"""Query strings and forms no view should ever see: refused with a 400 that says why, first.

Control characters have no business in an address (a NUL cannot even be stored in PostgreSQL
text). A repeated query parameter (``?q=a&q=b``) is ambiguous: which one did the reader mean?
Public pages refuse it; the admin's own filters may repeat keys, so its paths are left to
Django, except for what Django's admin would answer with a 500: a date filter out of range, or
an action on an id that is neither a number nor a UUID. Each view then reads its parameters
through a form (``ParameterForm``) that turns a bad value into a clear 400. Posted forms are
Django forms, whose fields refuse NUL characters with a message next to the field, keeping
what the reader typed. Django decodes a posted form that is not valid UTF-8 by replacing the
bytes it cannot read; a comment would then hold characters its writer never typed, so such a
form is refused whole instead (browsers always send valid text; in a multipart form, which is
decoded field by field, a replacement character itself is refused).
"""

import re
from urllib.parse import unquote_to_bytes

from django import forms
from django.conf import settings
from django.utils.encoding import iri_to_uri
from django.utils.http import url_has_allowed_host_and_scheme

from .responses import bad_request

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What the admin's date filters and actions take without checking (a bad value is a 500 in
# Django's own code): a date part in its range, and ids that are numbers or UUIDs.
ADMIN_DATE_PARTS = {"__year": 9999, "__month": 12, "__day": 31}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
ADMIN_ID = re.compile(r"\d{1,18}|[0-9a-fA-F]{8}-?(?:[0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")


class RequestInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return bad_request(request, problem)
        return self.get_response(request)

    @staticmethod
    def problem(request):
        if request.content_type == "application/x-www-form-urlencoded" and not utf8(request.body):
            return "The form was not sent as valid text: send it again from the page."
        if request.content_type == "multipart/form-data" and any(
            # Django put this mark where the bytes were not UTF-8.
            "\ufffd" in value
            for values in request.POST.lists()
            for value in [values[0], *values[1]]
        ):
            return "The form was not sent as valid text: send it again from the page."
        admin = is_admin_path(request.path)
        for key, values in request.GET.lists():
            if any(CONTROL.search(text) for text in [key, *values]):
                return "The address contains control characters."
            if len(values) > 1 and not admin:
                return f"The address gives “{key}” more than once."
            if admin and (problem := admin_date_problem(key, values)):
                return problem
        if admin and request.content_type in FORM_TYPES:
            # A body Django cannot parse raises here as it would in the CSRF check: a 400.
            selected = request.POST.getlist("_selected_action")
            if not all(ADMIN_ID.fullmatch(value) for value in selected):
                return "Select the items from the list: one of them is not an item."
        return None


def utf8(encoded):
    """Whether a url-encoded form, percent-escapes and all, is valid UTF-8 (Django itself
    refuses such a form in any other charset)."""
    try:
        unquote_to_bytes(encoded).decode()
    except UnicodeDecodeError:
        return False
    return True


def admin_date_problem(key, values):
    for suffix, largest in ADMIN_DATE_PARTS.items():
        if key.endswith(suffix) and not all(
            value.isascii() and value.isdigit() and len(value) <= 4 and 1 <= int(value) <= largest
            for value in values
        ):
            return f"A date filter's {suffix[2:]} runs from 1 to {largest}."
    return None


def is_admin_path(path):
    return path.startswith("/" + settings.ADMIN_URL)


class OneValueEach:
    """A form mixin: each field may be given once. ``score=1&score=5`` says two things, and a
    form that silently keeps the last would let a request say one thing to a check and another
    to the code after it."""

    def clean(self):
        data = super().clean()
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            for name in self.fields:
                if len(getlist(self.add_prefix(name))) > 1:
                    self.add_error(name, "Given more than once; send it once.")
        return data


class ParameterForm(OneValueEach, forms.Form):
    """Query parameters of a page, validated like any form; ``error_message`` for the 400."""

    def error_message(self):
        return " ".join(
            f"{self.fields[name].label or name}: {error}" if name != "__all__" else str(error)
            for name, errors in self.errors.items()
            for error in errors
        )


# A page number as one spelling only (no "01", "+1" or other digits), within a column's range.
PAGE_NUMBER = r"[1-9][0-9]{0,8}"


class PageField(forms.RegexField):
    """A list's ``?page=``: a page number, or "last" as Django's paginator allows."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "page")
        super().__init__(rf"^(?:{PAGE_NUMBER}|last)$", **kwargs)
        self.error_messages["invalid"] = "must be a page number."


class ParametersMixin:
    """A view that reads its query parameters through ``parameters_form``: a bad value answers
    400 with the form's message (``parameters_invalid``), never a 500 or a silent guess."""

    parameters_form = ParameterForm

    def dispatch(self, request, *args, **kwargs):
        form = self.parameters_form(request.GET)
        if not form.is_valid():
            return self.parameters_invalid(form)
        self.parameters = form.cleaned_data
        return super().dispatch(request, *args, **kwargs)

    def parameters_invalid(self, form):
        return bad_request(self.request, form.error_message())


class PageParameters(ParameterForm):
    """A paginated list's parameters: the page alone."""

    page = PageField()


MAX_RETURN_ADDRESS = 2048  # characters: what browsers and proxies reliably carry


def next_path(request, fallback):
    """The ``next`` address a form posted, when it is a path on this site, else ``fallback``.

    Only a path: ``redirect()`` would take "foo" for a view's name, and another host is an
    open redirect.
    """
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and target.isprintable()
        # As the Location header will carry it: "😀" takes 12 characters there.
        and len(iri_to_uri(target)) <= MAX_RETURN_ADDRESS
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback
