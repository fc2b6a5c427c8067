# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The usage of one subscription period: SQL figures in, units and ratings out.

The store keeps one row per push key (a replay overwrites its row, see
:mod:`engine.ingest`), so the rows of a period are already the survivors of
:func:`engine.aggregation.latest_per_window`. The model aggregates them in one SQL query
per subscription into :class:`MetricStats`; :func:`units` turns those figures into the
period's units exactly as :func:`engine.aggregation.aggregate` would from the rows
(``tests/unit/test_usage.py`` proves it on random pushes), without loading the rows.

A **recurring** metric carries its value: its figures ``balance`` and ``keys_to_date``
are taken over every row of the subscription up to the period's end (the opening balance
plus the period's deltas; the keys seen so far), not only over the period.

The usage period of a subscription is ``[usage start, end)`` in the company's dates; see
:func:`open_period_end` for where it ends.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from .errors import ValidationFailure
from .money import ZERO, to_decimal
from .periods import (  # noqa: F401 (local_midnight_utc is re-exported)
    BillingCycle,
    calendar_anchor,
    local_midnight_utc,
)
from .rating import rate


class MetricStats(NamedTuple):
    """Figures of one metric over one period, as the SQL query returns them."""

    count: int = 0  # rows (windows) in the period
    total: Decimal = ZERO  # sum of their values
    peak: Decimal | None = None  # largest value
    last: Decimal | None = None  # value of the latest row (timestamp, then arrival)
    distinct: int = 0  # distinct keys in the period
    balance: Decimal = ZERO  # recurring sum: every row up to the period end
    keys_to_date: int = 0  # recurring unique: distinct keys up to the period end
    events: tuple | None = None  # values in time order (percentage's per-event rules)


class ChargeUsage(NamedTuple):
    """One charge of the plan over the period."""

    charge: Any  # the caller's charge reference (a record id, a name...)
    metric: Any  # the caller's metric reference
    rating: Any  # engine.rating.Rating


# The MetricStats figure that is a period's units, per (aggregation, recurring): the one
# rule, read by units() and by the usage analysis (the model's SQL view picks the same
# figure in SQL).
UNIT_FIGURES = {
    ("sum", False): "total",
    ("count", False): "count",
    ("unique", False): "distinct",
    ("max", False): "peak",
    ("last", False): "last",
    ("sum", True): "balance",
    ("unique", True): "keys_to_date",
}


def unit_figure(aggregation, recurring):
    """The :class:`MetricStats` figure holding a period's units. :rtype: str"""
    return UNIT_FIGURES[(aggregation, bool(recurring))]


def additive(aggregation, recurring):
    """Whether a metric's units of several periods add up to a figure of the same kind.

    A sum or a count of one month plus the next is the sum or count of both; a peak, a
    last value, a count of distinct keys or a carried balance is not (two monthly peaks
    of 6 vCPUs are not a peak of 12).

    :rtype: bool
    """
    return unit_figure(aggregation, recurring) in ("total", "count")


def units(aggregation, recurring, stats):
    """The period's units and per-push events from its SQL figures.

    :param str aggregation: ``sum``, ``max``, ``last``, ``count`` or ``unique``
    :param bool recurring: whether the metric carries its value
    :param MetricStats stats: the figures (an empty :class:`MetricStats` without rows)
    :return: ``(units, events)``; ``events`` is ``None`` where no per-push list exists
    :rtype: tuple
    :raise ValidationFailure: ``pushes: negative_balance`` when a recurring sum's deltas
        take it below zero
    """
    figure = unit_figure(aggregation, recurring)
    value = getattr(stats, figure)
    if figure == "balance" and value < 0:
        raise ValidationFailure({"pushes": ["negative_balance"]})
    quantity = ZERO if value is None else to_decimal(value or ZERO)
    if figure == "total":
        return quantity, stats.events
    if figure in ("count", "distinct"):
        return quantity, (Decimal(1),) * int(value)
    return quantity, None


def rate_period(charges, stats_by_metric):
    """Rate every charge of a plan over one period.

    :param charges: ``(charge ref, metric ref, aggregation, recurring, engine Charge)``
        per charge of the plan
    :param dict stats_by_metric: metric ref -> :class:`MetricStats` (missing: no rows)
    :return: the charges' usage, in the order given, and the total (rounded amounts)
    :rtype: tuple(list, Decimal)
    :raise ValidationFailure: as :func:`units`, at ``charges.<index>``
    """
    result, total = [], ZERO
    for index, (charge_ref, metric_ref, aggregation, recurring, charge) in enumerate(charges):
        stats = stats_by_metric.get(metric_ref) or MetricStats()
        try:
            quantity, events = units(aggregation, recurring, stats)
        except ValidationFailure as failure:
            raise ValidationFailure({
                f"charges.{index}.{path}": codes for path, codes in failure.details.items()
            }) from None
        if not charge.pricer.needs_events:
            events = None
        elif events is None and not stats.count:
            events = ()  # no push at all: no per-push value either
        rating = rate(charge, quantity, events=events)
        result.append(ChargeUsage(charge_ref, metric_ref, rating))
        total += rating.amount
    return result, total


def open_period_end(usage_start, *, next_invoice_date=None, cycle=None, last_day=None):
    """The exclusive end of a subscription's open usage period.

    * Native billing (``next_invoice_date`` given): the period ends where native Odoo
      invoices next, so the usage period is exactly the span the native invoice closes
      and never drifts from Odoo's own date walk.
    * Shadow (``cycle`` given): the first boundary of the subscription's billing cycle
      after ``usage_start`` (:mod:`engine.periods`).
    * A terminated subscription's period ends the day after its ``last_day`` at the latest.

    :param date usage_start: first day of the open period
    :param date next_invoice_date: native next invoice date (live subscriptions)
    :param BillingCycle cycle: the subscription's cycle (shadow subscriptions)
    :param date last_day: the subscription's end date (inclusive), if any
    :rtype: date or None (no end is known: neither date nor cycle)
    """
    end = None
    if next_invoice_date:
        end = next_invoice_date
    elif cycle is not None:
        end = cycle.boundary(cycle.period_containing(max(usage_start, cycle.anchor)).index + 1)
    if last_day:
        stop = last_day + timedelta(days=1)
        end = stop if end is None else min(end, stop)
    return end


def open_period(usage_start, *, native, live_from=None, next_invoice_date=None, cycle=None,
                last_day=None):
    """The open usage period's end, and whether native Odoo bills it.

    A subscription native billing sees (``native``) ends its period at the native next
    invoice date, except for the tail of its shadow spell: a service that went live
    hands its subscriptions over from ``live_from`` (the end of the period the app was
    still billing), and the usage before that date is only reconciled, never invoiced.
    A subscription native billing does not see is rated on its own cycle, for
    reconciliation only.

    :return: ``(end, billed)``: the exclusive end (``None``: unknown yet) and whether the
        period's usage goes on a native invoice
    :rtype: tuple
    """
    if native and live_from and usage_start < live_from:
        # The shadow tail keeps the cycle's periods, cut at the hand-over.
        end = open_period_end(usage_start, cycle=cycle, last_day=last_day)
        return (live_from if end is None else min(end, live_from)), False
    if native:
        # Until native Odoo has scheduled its next invoice, the period follows the cycle:
        # an open period always has an end (the API's current usage needs one).
        end = open_period_end(usage_start, next_invoice_date=next_invoice_date, cycle=cycle,
                              last_day=last_day)
        return end, True
    return open_period_end(usage_start, cycle=cycle, last_day=last_day), False


def handover_date(cycle, today, start=None):
    """Where native billing takes a subscription over when its service goes live: the end
    of the period running today (the app bills that one), or the start if not begun.

    :param date start: the subscription's first day, when it is not the cycle's anchor
        (a calendar cycle is anchored before it)
    :rtype: date
    """
    first = max(start, cycle.anchor) if start else cycle.anchor
    if today < first:
        return first
    return cycle.next(cycle.period_containing(today)).start


def day_after(last_day):
    """The first day after a period that ends on ``last_day`` (inclusive). :rtype: date"""
    return last_day + timedelta(days=1)


def is_closed(start, end, today):
    """Whether the period ``[start, end)`` is over on ``today`` and holds at least a day."""
    return bool(start and end) and start < end <= today


def shadow_cycle(start_date, value, unit, calendar=False):
    """The billing cycle of a shadow subscription: anchored on its start, or on the
    calendar (:func:`engine.periods.calendar_anchor`) for one billed on the calendar.

    :rtype: BillingCycle
    """
    anchor = calendar_anchor(start_date, value, unit) if calendar else start_date
    return BillingCycle(anchor, value, unit)

