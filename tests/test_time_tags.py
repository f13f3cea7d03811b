"""``time_tag()`` in the public templates shows dates exactly as Django's ``date`` filter pair
it replaced did."""

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
TIME_PAIR_SOURCE = (
    '<time datetime="{{ v|date:\'Y-m-d\\TH:i:sO\' }}">{{ v|date:"j F Y, H:i T" }}</time>'
)
TIME_PAIR = engines["django"].from_string(TIME_PAIR_SOURCE)
TAG = engines["jinja2"].from_string("{{ time_tag(v) }}")
TAG_WITH_TIME = engines["jinja2"].from_string("{{ time_tag(v, with_time=True) }}")

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


NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        # The hour that comes twice in autumn: no offset or zone name, as the filter gives.
        (datetime.datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK), "2026-11-01T01:30:00"),
        (datetime.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK), "2026-11-01T01:30:00"),
        (datetime.datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK), "2026-11-01T00:30:00-0400"),
    ],
)
def test_a_time_a_clock_change_makes_ambiguous_has_no_zone(moment, shown):
    with timezone.override(NEW_YORK):
        rendered = TAG_WITH_TIME.render({"v": moment})
        assert rendered == TIME_PAIR.render({"v": moment})
    assert f'datetime="{shown}"' in rendered


def test_the_examples_of_the_docstring():
    moment = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
    with timezone.override(datetime.UTC):
        assert TAG.render({"v": moment}) == '<time datetime="2026-12-01">1 December 2026</time>'
        assert TAG_WITH_TIME.render({"v": moment}) == (
            '<time datetime="2026-12-01T09:30:00+0000">1 December 2026, 09:30 UTC</time>'
        )
    with timezone.override(zoneinfo.ZoneInfo("Asia/Kolkata")):
        assert TAG_WITH_TIME.render({"v": moment}) == (
            '<time datetime="2026-12-01T15:00:00+0530">1 December 2026, 15:00 IST</time>'
        )


def test_no_value_or_one_that_is_not_a_date_shows_nothing_and_a_date_has_no_time():
    for value in (None, "", "2026-12-01", 20261201):
        assert TAG.render({"v": value}) == ""
    with pytest.raises(TypeError):
        TAG_WITH_TIME.render({"v": datetime.date(2026, 12, 1)})
