# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Lago's free-unit rules of the percentage model, over the events' running total.

With ``N = free_units_per_events`` and ``T = free_units_per_total_aggregation`` (0 when
unset), Lago's sum aggregation hands the model a running total of the event values:

* with N: the running total of the first N events only;
* else with T: the running total up to and including the first event that goes past T;

and the model derives from it:

* the free value: the last running total, capped at T when T is set (so: only N, the
  first N events' value; only T, the first T of value; both, the smaller of the two);
* the free event count: the smaller of N and the number of running totals strictly
  below T, a zero being dropped from that ``min`` (so the event that reaches T exactly
  already pays its fixed fee, and with both set N applies when no total is below T).
"""

from itertools import accumulate

from ..errors import ValidationFailure
from ..money import ZERO


def running_total(events, free_events, free_total):
    """The running total Lago's sum aggregation hands to the percentage model.

    :param tuple events: event values (``Decimal``), in push order
    :param int free_events: N, or 0
    :param Decimal free_total: T, or 0
    :rtype: list
    """
    if free_events:
        return list(accumulate(events[:free_events]))
    totals, total = [], ZERO
    if free_total:
        for value in events:
            if free_total < total:
                break
            total += value
            totals.append(total)
    return totals


def free_parts(events, free_events, free_total):
    """Free value and free event count of a period (see the module docstring).

    :return: ``(free value, free event count)``
    :rtype: tuple(Decimal, int)
    """
    running = running_total(events, free_events, free_total)
    last = running[-1] if running else ZERO
    free_value = last if not free_total or last <= free_total else free_total
    below = sum(1 for total in running if total < free_total)
    return free_value, min((n for n in (free_events, below) if n), default=0)


def check_events(events, units):
    """:raise ValidationFailure: if an event is negative or the events do not sum to units"""
    if any(value < 0 for value in events):
        raise ValidationFailure({"events": ["negative_value"]})
    if sum(events, ZERO) != units:
        raise ValidationFailure({"events": ["events_do_not_match_units"]})
