"""The rating box's bars and radio buttons, built in Python: the same few numbers and words on
every article page, where a template's loop and escaping cost more than the rest of the box."""

from functools import cache

from django.utils.safestring import mark_safe

from authors.models import STARS


def rating_bars(summary):
    """A labelled bar per star level of ``summary`` (an ``authors.models.RatingSummary``), as
    list items. Built here, not in a loop of a template (its 25 lookups cost more than the
    rest of the rating summary), and not with ``format_html_join``, which escaped the 15
    numbers one by one: 70 µs of every article page."""
    return mark_safe("\n".join(_bar(share) for share in summary.shares))  # noqa: S308


def _bar(share):
    label = share.label  # "5 stars": an integer and a fixed word, like the rest (``:d``)
    return (
        f'<li><span>{label}</span><progress max="100" value="{share.percent:d}" '
        f'aria-label="{label}"></progress><span>{share.count:d} ({share.percent:d}%)</span></li>'
    )


def rating_choices(reader_score):
    """The "Rate author" form's radio buttons, five stars first, the reader's own score
    (``reader_score``, or None) checked; one answer is required."""
    return _choices(reader_score if reader_score in STARS else None)


@cache
def _choices(checked):
    # Six possible answers, the same on every page: built once per process.
    return mark_safe(  # noqa: S308 — integers and fixed words only
        "".join(
            f'<label><input type="radio" name="score" value="{stars:d}"'
            f"{' checked' if stars == checked else ''}{' required' if stars == STARS[0] else ''}>"
            f" {stars:d} star{'' if stars == 1 else 's'}</label>"
            for stars in STARS
        )
    )
