# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Billing periods of a subscription, in the company's local dates.

A :class:`BillingCycle` is a subscription's start date (the anchor) and its plan's billing
period (``billing_period_value`` + ``billing_period_unit`` of Odoo's
``sale.subscription.plan``: ``week``, ``month`` or ``year``). Its periods are half-open
date ranges **[start, end)**: ``end`` is exclusive and is the start of the next period,
which is what Odoo's ``next_invoice_date`` holds while the period is open.

Boundaries are always the k-th step **from the anchor**, never a step added to a clamped
date: a monthly cycle anchored on Jan 31 runs Jan 31 -> Feb 28 (29 in leap years) ->
Mar 31 -> Apr 30 -> May 31; a yearly one anchored on Feb 29 uses Feb 28 in common years
and comes back to Feb 29. (Odoo's own ``next_invoice_date + relativedelta`` walk drifts
to the 28th after February; compare with care.)

Timestamps are UTC-aware datetimes; :func:`local_date` turns one into the company's date
(``zoneinfo``), and :func:`utc_bounds` turns a period into the UTC instants to query.
The proration factor of a partial period is ``days present / days in period``.
"""

import calendar
import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .const import MONTH, PERIOD_UNITS, WEEK, YEAR
from .errors import ValidationFailure
from .money import ONE, ZERO


def _is_date(value):
    # datetime is a subclass of date; a datetime here would hide a time zone question.
    return isinstance(value, date) and not isinstance(value, datetime)


@dataclass(frozen=True, slots=True)
class Period:
    """One billing period: ``start <= day < end``; ``index`` counts from the anchor (0)."""

    start: date
    end: date
    index: int

    @property
    def days(self):
        """Number of days in the period."""
        return (self.end - self.start).days

    def __contains__(self, day):
        return self.start <= day < self.end


@dataclass(frozen=True, slots=True)
class BillingCycle:
    """A subscription's recurring periods.

    :param date anchor: the subscription's start date (start of period 0)
    :param int value: ``billing_period_value`` (>= 1)
    :param str unit: ``billing_period_unit``: ``week``, ``month`` or ``year``
    :raise ValidationFailure: ``invalid_date``, ``invalid_billing_period_value``,
        ``invalid_billing_period_unit``
    """

    anchor: date
    value: int = 1
    unit: str = MONTH

    def __post_init__(self):
        details = {}
        if not _is_date(self.anchor):
            details["start_date"] = ["invalid_date"]
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 1:
            details["billing_period_value"] = ["invalid_billing_period_value"]
        if self.unit not in PERIOD_UNITS:
            details["billing_period_unit"] = ["invalid_billing_period_unit"]
        if details:
            raise ValidationFailure(details)

    def boundary(self, index):
        """The start of period ``index`` (0 is the anchor), computed from the anchor.

        :rtype: date
        :raise ValidationFailure: ``date_out_of_range`` past year 9999
        """
        try:
            if self.unit == WEEK:
                return self.anchor + timedelta(weeks=self.value * index)
            months = self.value * index * (12 if self.unit == YEAR else 1)
            year, month0 = divmod(self.anchor.month - 1 + months, 12)
            year += self.anchor.year
            last_day = calendar.monthrange(year, month0 + 1)[1]
            return date(year, month0 + 1, min(self.anchor.day, last_day))
        except (OverflowError, ValueError, calendar.IllegalMonthError):
            raise ValidationFailure({"date": ["date_out_of_range"]}) from None

    def period(self, index):
        """Period number ``index`` (``>= 0``). :rtype: Period"""
        return Period(self.boundary(index), self.boundary(index + 1), index)

    def period_containing(self, day):
        """The period that contains ``day`` (a local date on or after the anchor).

        :rtype: Period
        :raise ValidationFailure: ``invalid_date`` or ``before_start_date``
        """
        if not _is_date(day):
            raise ValidationFailure({"reference_date": ["invalid_date"]})
        if day < self.anchor:
            raise ValidationFailure({"reference_date": ["before_start_date"]})
        if self.unit == WEEK:
            index = (day - self.anchor).days // (7 * self.value)
        else:
            step = self.value * (12 if self.unit == YEAR else 1)
            months = (day.year - self.anchor.year) * 12 + day.month - self.anchor.month
            index = months // step
        # The month estimate can be one off around clamped ends; settle it exactly.
        while index > 0 and self.boundary(index) > day:
            index -= 1
        while self.boundary(index + 1) <= day:
            index += 1
        return self.period(index)

    def next(self, period):
        """The period right after ``period``. :rtype: Period"""
        return self.period(period.index + 1)


def calendar_anchor(start_date, value, unit):
    """The anchor of a cycle billed **on the calendar** (Lago's ``billing_time:
    calendar``) for a subscription that starts on ``start_date``.

    Calendar periods are whole calendar weeks (Monday to Sunday), months, quarters,
    half-years or years, whatever day the subscription starts: the anchor is the Monday
    of the start's week for weekly cycles, and 1 January of the start's year for every
    month-based or yearly one (its ``k``-th boundaries are then the 1st of every month,
    quarter, half-year or year). The subscription's first period is the part of its
    calendar period from its start (``[start_date, next boundary)``).

    :param date start_date: the subscription's first day
    :param int value: ``billing_period_value``; a month-based value must divide 12
    :param str unit: ``week``, ``month`` or ``year``
    :rtype: date
    :raise ValidationFailure: ``invalid_date``, ``invalid_billing_period_unit``, or
        ``calendar_period_not_supported`` for months that do not divide a year (5)
    """
    if not _is_date(start_date):
        raise ValidationFailure({"start_date": ["invalid_date"]})
    if unit == WEEK:
        return start_date - timedelta(days=start_date.weekday())
    if unit == MONTH and (isinstance(value, bool) or not isinstance(value, int)
                          or value < 1 or 12 % value):
        raise ValidationFailure({"billing_period_value": ["calendar_period_not_supported"]})
    if unit in (MONTH, YEAR):
        return date(start_date.year, 1, 1)
    raise ValidationFailure({"billing_period_unit": ["invalid_billing_period_unit"]})


def period_containing(start_date, value, unit, day):
    """Shortcut: ``BillingCycle(start_date, value, unit).period_containing(day)``."""
    return BillingCycle(start_date, value, unit).period_containing(day)


def next_period(start_date, value, unit, day):
    """The period after the one that contains ``day``. :rtype: Period"""
    cycle = BillingCycle(start_date, value, unit)
    return cycle.next(cycle.period_containing(day))


def proration_factor(period, start=None, end=None):
    """Share of ``period`` during which something was present: days present / days.

    :param Period period: the billing period
    :param date start: first day present (inclusive); ``None``: from the period start
    :param date end: first day no longer present (exclusive, like ``Period.end``); a
        termination effective at the end of day D passes ``D + 1 day``; ``None``: to the
        period end
    :return: between 0 and 1; exactly 1 for a full period
    :rtype: Decimal
    :raise ValidationFailure: ``invalid_date`` if a bound is not a date
    """
    for name, bound in (("start", start), ("end", end)):
        if bound is not None and not _is_date(bound):
            raise ValidationFailure({name: ["invalid_date"]})
    first = period.start if start is None else max(start, period.start)
    stop = period.end if end is None else min(end, period.end)
    present = (stop - first).days
    if present <= 0:
        return ZERO
    if present >= period.days:
        return ONE
    return Decimal(present) / Decimal(period.days)


def _zone(tz_name):
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationFailure({"timezone": ["invalid_timezone"]}) from None


def local_date(ts_utc, tz_name):
    """The company-local date of a UTC-aware timestamp.

    :param datetime ts_utc: aware datetime (naive ones are refused, never guessed)
    :param str tz_name: IANA zone, e.g. ``"America/Toronto"``
    :rtype: date
    :raise ValidationFailure: ``naive_timestamp``, ``invalid_timestamp``, ``invalid_timezone``
    """
    if not isinstance(ts_utc, datetime):
        raise ValidationFailure({"timestamp": ["invalid_timestamp"]})
    if ts_utc.tzinfo is None or ts_utc.utcoffset() is None:
        raise ValidationFailure({"timestamp": ["naive_timestamp"]})
    return ts_utc.astimezone(_zone(tz_name)).date()


@functools.lru_cache(maxsize=4096)
def local_midnight_utc(day, tz_name):
    """The UTC instant at which a company-local date begins (DST-aware). Cached: the
    ingestion asks it for the same few dates again and again.

    :rtype: datetime
    """
    if not _is_date(day):
        raise ValidationFailure({"date": ["invalid_date"]})
    return datetime.combine(day, time(), tzinfo=_zone(tz_name)).astimezone(timezone.utc)


def utc_bounds(period, tz_name):
    """The UTC instants ``[start, end)`` of a period's local midnights (DST-aware).

    :rtype: tuple(datetime, datetime)
    """
    zone = _zone(tz_name)
    return tuple(
        datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)
        for day in (period.start, period.end)
    )
