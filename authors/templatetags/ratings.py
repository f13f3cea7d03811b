from django import template
from django.utils.html import format_html_join

from authors.models import STARS

register = template.Library()


@register.simple_tag
def rating_bars(summary):
    """A labelled bar per star level of ``summary`` (an ``authors.models.RatingSummary``), as
    list items. Built here, not in a loop of the template: on every article page, the loop's
    25 lookups cost more than all the rest of the rating summary."""
    return format_html_join(
        "\n",
        '<li><span>{0}</span><progress max="100" value="{1}" aria-label="{0}"></progress>'
        "<span>{2} ({1}%)</span></li>",
        ((share.label, share.percent, share.count) for share in summary.shares),
    )


@register.simple_tag
def rating_choices(reader_score):
    """The "Rate author" form's radio buttons, five stars first, the reader's own score
    (``reader_score``, or None) checked; one answer is required."""
    return format_html_join(
        "",
        '<label><input type="radio" name="score" value="{0}"{1}{2}> {0} star{3}</label>',
        (
            (
                stars,
                " checked" if stars == reader_score else "",
                " required" if stars == STARS[0] else "",
                "" if stars == 1 else "s",
            )
            for stars in STARS
        ),
    )
