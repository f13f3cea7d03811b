"""``{% time_tag %}`` shows dates exactly as the ``date`` filter pair it replaced did."""

import datetime
import zoneinfo

import pytest
from django.template import engines
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

ZONES = [
    zoneinfo.ZoneInfo(name)
    for name in ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]
]
DATE_PAIR = engines["django"].from_string(
    '<time datetime="{{ v|date:\'Y-m-d\' }}">{{ v|date:"j F Y" }}</time>'
)
TIME_PAIR = engines["django"].from_string(
    '<time datetime="{{ v|date:\'Y-m-d\\TH:i:sO\' }}">{{ v|date:"j F Y, H:i T" }}</time>'
)
TAG = engines["django"].from_string("{% load dates %}{% time_tag v %}")
TAG_WITH_TIME = engines["django"].from_string("{% load dates %}{% time_tag v with_time=True %}")

# Hypothesis takes naive bounds and adds the zones itself (none: a naive time).
moments = st.datetimes(
    min_value=datetime.datetime(1900, 1, 1),  # noqa: DTZ001
    max_value=datetime.datetime(2200, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from(ZONES) | st.none(),
)


@given(value=moments | st.dates(), shown_in=st.sampled_from(ZONES))
def test_a_date_reads_as_the_date_filter_wrote_it(value, shown_in):
    with timezone.override(shown_in):
        assert TAG.render({"v": value}) == DATE_PAIR.render({"v": value})


@given(value=moments, shown_in=st.sampled_from(ZONES))
def test_a_time_reads_as_the_date_filter_wrote_it(value, shown_in):
    with timezone.override(shown_in):
        assert TAG_WITH_TIME.render({"v": value}) == TIME_PAIR.render({"v": value})


def test_the_examples_of_the_docstring():
    moment = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
    assert TAG.render({"v": moment}) == '<time datetime="2026-12-01">1 December 2026</time>'
    assert TAG_WITH_TIME.render({"v": moment}) == (
        '<time datetime="2026-12-01T09:30:00+0000">1 December 2026, 09:30 UTC</time>'
    )
    with timezone.override(zoneinfo.ZoneInfo("Asia/Kolkata")):
        assert TAG_WITH_TIME.render({"v": moment}) == (
            '<time datetime="2026-12-01T15:00:00+0530">1 December 2026, 15:00 IST</time>'
        )


def test_no_value_shows_nothing_and_a_date_has_no_time():
    assert TAG.render({"v": None}) == ""
    with pytest.raises(TypeError):
        TAG_WITH_TIME.render({"v": datetime.date(2026, 12, 1)})
