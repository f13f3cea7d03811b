"""``{% time_tag value %}``: a date or time as a ``<time>`` element, for readers and machines."""

import datetime

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def time_tag(context, value, with_time=False):
    """``<time datetime="2026-12-01">1 December 2026</time>``; with the time,
    ``<time datetime="2026-12-01T09:30:00+0000">1 December 2026, 09:30 UTC</time>``, in the
    current time zone (none inside ``{% localtime off %}``); "" for no value, or one that is not
    a date.

    The text of Django's ``date`` filter with the formats "Y-m-d" and "j F Y" (with the time,
    "Y-m-d\\TH:i:sO" and "j F Y, H:i T"), made without its format parser: a third of the time
    (an article page shows a dozen dates).
    """
    if not isinstance(value, datetime.date):
        return ""
    value = timezone.template_localtime(value, context.use_tz)
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
