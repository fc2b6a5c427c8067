# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Billing periods: [start, end) from the anchor, clamped month ends, proration, zones."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engine.errors import ValidationFailure
from engine.periods import (
    BillingCycle,
    Period,
    local_date,
    next_period,
    period_containing,
    proration_factor,
    utc_bounds,
)

D = Decimal


@pytest.mark.parametrize(
    ("anchor", "value", "unit", "boundaries"),
    [
        pytest.param(date(2026, 1, 31), 1, "month",
                     [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31),
                      date(2026, 4, 30), date(2026, 5, 31)], id="jan-31-clamps-and-comes-back"),
        pytest.param(date(2024, 1, 31), 1, "month",
                     [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)],
                     id="jan-31-leap-year"),
        pytest.param(date(2026, 1, 30), 1, "month",
                     [date(2026, 1, 30), date(2026, 2, 28), date(2026, 3, 30)],
                     id="jan-30"),
        pytest.param(date(2026, 3, 15), 1, "month",
                     [date(2026, 3, 15), date(2026, 4, 15), date(2026, 5, 15)], id="mid-month"),
        pytest.param(date(2025, 11, 30), 3, "month",
                     [date(2025, 11, 30), date(2026, 2, 28), date(2026, 5, 30),
                      date(2026, 8, 30)], id="quarterly-across-year-end"),
        pytest.param(date(2024, 2, 29), 1, "year",
                     [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28),
                      date(2027, 2, 28), date(2028, 2, 29)], id="feb-29-yearly"),
        pytest.param(date(2026, 3, 2), 1, "week",
                     [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)], id="weekly"),
        pytest.param(date(2026, 12, 28), 2, "week",
                     [date(2026, 12, 28), date(2027, 1, 11), date(2027, 1, 25)],
                     id="biweekly-across-year-end"),
    ],
)
def test_boundaries_are_computed_from_the_anchor(anchor, value, unit, boundaries):
    cycle = BillingCycle(anchor, value, unit)
    assert [cycle.boundary(k) for k in range(len(boundaries))] == boundaries


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        pytest.param(date(2026, 1, 31), date(2026, 1, 31), date(2026, 2, 28), id="anchor-day"),
        pytest.param(date(2026, 2, 27), date(2026, 1, 31), date(2026, 2, 28),
                     id="day-before-clamped-end"),
        pytest.param(date(2026, 2, 28), date(2026, 2, 28), date(2026, 3, 31),
                     id="end-is-exclusive"),
        pytest.param(date(2026, 3, 30), date(2026, 2, 28), date(2026, 3, 31), id="late-march"),
        pytest.param(date(2026, 3, 31), date(2026, 3, 31), date(2026, 4, 30),
                     id="back-on-the-31st"),
        pytest.param(date(2031, 7, 4), date(2031, 6, 30), date(2031, 7, 31), id="years-later"),
    ],
)
def test_period_containing_a_day(day, start, end):
    period = period_containing(date(2026, 1, 31), 1, "month", day)
    assert (period.start, period.end) == (start, end)
    assert day in period


def test_next_period_starts_where_the_period_ends():
    cycle = BillingCycle(date(2026, 1, 31))
    period = cycle.period_containing(date(2026, 2, 10))
    following = cycle.next(period)
    assert following.start == period.end == date(2026, 2, 28)
    assert following.end == date(2026, 3, 31)
    assert following.index == period.index + 1
    assert next_period(date(2026, 1, 31), 1, "month", date(2026, 2, 10)) == following


def test_period_days_and_membership():
    period = Period(date(2026, 2, 1), date(2026, 3, 1), 0)
    assert period.days == 28
    assert date(2026, 2, 1) in period
    assert date(2026, 2, 28) in period
    assert date(2026, 3, 1) not in period
    assert date(2026, 1, 31) not in period


@pytest.mark.parametrize(
    ("start", "end", "factor"),
    [
        pytest.param(None, None, D(1), id="full-period"),
        pytest.param(date(2026, 4, 16), None, D("0.5"), id="started-mid-april"),
        pytest.param(None, date(2026, 4, 11), D(1) / D(3), id="terminated-after-10-days"),
        pytest.param(date(2026, 4, 11), date(2026, 4, 21), D(1) / D(3), id="both"),
        pytest.param(date(2026, 3, 1), date(2026, 6, 1), D(1), id="wider-than-period"),
        pytest.param(date(2026, 5, 1), None, D(0), id="starts-after-period"),
        pytest.param(None, date(2026, 4, 1), D(0), id="ends-at-period-start"),
        pytest.param(date(2026, 4, 30), None, D(1) / D(30), id="last-day-only"),
    ],
)
def test_proration_factor(start, end, factor):
    april = Period(date(2026, 4, 1), date(2026, 5, 1), 0)
    assert proration_factor(april, start, end) == factor


def test_proration_of_a_february_day():
    february = BillingCycle(date(2026, 2, 1)).period(0)
    assert proration_factor(february, date(2026, 2, 28)) == D(1) / D(28)


@pytest.mark.parametrize(
    ("ts", "zone", "expected"),
    [
        pytest.param(datetime(2026, 3, 1, 3, 0, tzinfo=timezone.utc), "America/Toronto",
                     date(2026, 2, 28), id="utc-morning-is-previous-local-day"),
        pytest.param(datetime(2026, 3, 1, 5, 0, tzinfo=timezone.utc), "America/Toronto",
                     date(2026, 3, 1), id="after-local-midnight-est"),
        pytest.param(datetime(2026, 7, 1, 3, 59, tzinfo=timezone.utc), "America/Toronto",
                     date(2026, 6, 30), id="edt-offset-4h"),
        pytest.param(datetime(2026, 7, 1, 4, 0, tzinfo=timezone.utc), "America/Toronto",
                     date(2026, 7, 1), id="edt-local-midnight"),
        pytest.param(datetime(2026, 1, 1, 7, 30, tzinfo=timezone.utc), "America/Vancouver",
                     date(2025, 12, 31), id="vancouver-new-year"),
        pytest.param(datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc), "UTC",
                     date(2026, 1, 1), id="utc"),
    ],
)
def test_local_date(ts, zone, expected):
    assert local_date(ts, zone) == expected


def test_local_date_refuses_naive_timestamps():
    with pytest.raises(ValidationFailure) as caught:
        local_date(datetime(2026, 3, 1, 3, 0), "America/Toronto")
    assert caught.value.details == {"timestamp": ["naive_timestamp"]}


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", None, "../etc/passwd"])
def test_local_date_refuses_unknown_zones(zone):
    with pytest.raises(ValidationFailure) as caught:
        local_date(datetime(2026, 3, 1, tzinfo=timezone.utc), zone)
    assert caught.value.details == {"timezone": ["invalid_timezone"]}


def test_local_date_refuses_non_datetimes():
    with pytest.raises(ValidationFailure) as caught:
        local_date(date(2026, 3, 1), "UTC")
    assert caught.value.details == {"timestamp": ["invalid_timestamp"]}


def test_utc_bounds_follow_daylight_saving_time():
    march = BillingCycle(date(2026, 3, 1)).period(0)  # DST starts on Mar 8, 2026
    start, end = utc_bounds(march, "America/Toronto")
    assert start == datetime(2026, 3, 1, 5, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 4, 1, 4, 0, tzinfo=timezone.utc)
    assert local_date(start, "America/Toronto") == march.start
    assert local_date(end - timedelta(microseconds=1), "America/Toronto") == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("args", "details"),
    [
        ((date(2026, 1, 1), 1, "day"),
         {"billing_period_unit": ["invalid_billing_period_unit"]}),
        ((date(2026, 1, 1), 0, "month"),
         {"billing_period_value": ["invalid_billing_period_value"]}),
        ((date(2026, 1, 1), 1.5, "month"),
         {"billing_period_value": ["invalid_billing_period_value"]}),
        ((date(2026, 1, 1), True, "month"),
         {"billing_period_value": ["invalid_billing_period_value"]}),
        ((datetime(2026, 1, 1), 1, "month"), {"start_date": ["invalid_date"]}),
        (("2026-01-01", -1, "months"),
         {"start_date": ["invalid_date"],
          "billing_period_value": ["invalid_billing_period_value"],
          "billing_period_unit": ["invalid_billing_period_unit"]}),
    ],
)
def test_invalid_cycles_are_refused(args, details):
    with pytest.raises(ValidationFailure) as caught:
        BillingCycle(*args)
    assert caught.value.details == details


@pytest.mark.parametrize(
    ("day", "details"),
    [
        (date(2025, 12, 31), {"reference_date": ["before_start_date"]}),
        (datetime(2026, 2, 1, 12), {"reference_date": ["invalid_date"]}),
        ("2026-02-01", {"reference_date": ["invalid_date"]}),
    ],
)
def test_invalid_reference_dates_are_refused(day, details):
    with pytest.raises(ValidationFailure) as caught:
        period_containing(date(2026, 1, 1), 1, "month", day)
    assert caught.value.details == details


def test_proration_refuses_non_dates():
    period = BillingCycle(date(2026, 1, 1)).period(0)
    with pytest.raises(ValidationFailure) as caught:
        proration_factor(period, start=datetime(2026, 1, 5))
    assert caught.value.details == {"start": ["invalid_date"]}


def test_dates_past_year_9999_are_refused():
    cycle = BillingCycle(date(9999, 6, 1), 1, "year")
    with pytest.raises(ValidationFailure) as caught:
        cycle.period(0)
    assert caught.value.details == {"date": ["date_out_of_range"]}
