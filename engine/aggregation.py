# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Aggregation of **aggregate pushes** into the units of one billing period.

Apps do not send a raw event per occurrence: they push periodic counters per customer,
metric and window (an hour, a day...), each with a transaction id. A :class:`Push` is one
such record: ``value`` (the number pushed), ``timestamp`` (UTC-aware), ``seq`` (arrival
order, unique), ``key`` (the distinct thing, for ``unique``) and ``window`` (the window
key or transaction id).

**Re-push rule (all aggregations).** Pushes that share a ``window`` are versions of one
record: the newest push (highest ``seq``) replaces the older ones, as in Stripe's
"pre-aggregated" meters, so a corrected figure replaces the old one and nothing is ever
counted twice. An identical re-push (same value, timestamp and key) changes nothing at
all: the original version stays, with its arrival order. A push without a ``window``
stands alone (the store has already deduplicated its transaction id).

=========  ==========================================  ===============================
code       value of the period (surviving pushes)       events (for percentage)
=========  ==========================================  ===============================
sum        sum of the window values (each window a      the window values, in time
           counter for that window)                     order
max        the largest window value (each a peak);      none
           0 without pushes
last       the value of the push with the latest        none
           timestamp (tie: the later ``seq``); 0
           without pushes
count      the number of windows pushed (the value is   one ``1`` per window
           ignored: an app that pre-counts pushes
           ``sum``); as Lago's ``count_agg`` with
           idempotent transaction ids
unique     the number of distinct ``key`` values (the   ``1`` per first sighting of a
           value is ignored); a re-push of a window     key, in time order
           with another key replaces its key
=========  ==========================================  ===============================

**Recurring metrics** (allowed for ``sum`` and ``unique`` only, as in Lago; see
:mod:`engine.catalogue`) carry their value into the next period through ``opening``:

* ``sum``: ``opening`` is the previous period's units (a balance) and the period's
  pushes are signed deltas (``+3`` seats, ``-1`` seat): units = opening + sum. Negative
  values are allowed only here, and the balance may not end below zero;
* ``unique``: ``opening`` is the previous period's set of keys (``Aggregate.keys``);
  units = number of keys in it or pushed now. Keys are never removed (there is no
  ``operation_type: remove`` in a push).

Recurring results carry no events (a balance is not a list of transactions).
"""

from collections.abc import Hashable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from .catalogue import VALUE_AGGREGATIONS, allows_negative, validate_metric
from .checks import Problems, decimal_field
from .errors import ValidationFailure
from .money import ONE, ZERO


class Push(NamedTuple):
    """One aggregate push, as stored (see the module docstring)."""

    value: Any  # number pushed (str, int, float, Decimal); ignored by count and unique
    timestamp: datetime  # UTC-aware
    seq: int  # arrival order, unique
    key: Hashable = None  # the distinct thing counted by ``unique``
    window: Hashable = None  # window key / transaction id; re-pushes share it


class Aggregate(NamedTuple):
    """The units of one period and what produced them."""

    units: Decimal
    events: tuple | None  # per-push contributions summing to units, or None
    pushes: tuple  # surviving pushes (values as Decimal), in time order
    keys: frozenset | None  # distinct keys (``unique`` only): the recurring carry


def aggregate(aggregation, pushes, *, recurring=False, opening=None):
    """Aggregate the pushes of one period.

    :param str aggregation: ``sum``, ``max``, ``last``, ``count`` or ``unique``
    :param Iterable pushes: :class:`Push` records of the period, in any order
    :param bool recurring: whether the metric carries its value into the next period
    :param opening: recurring carry: previous units (``sum``) or keys (``unique``)
    :rtype: Aggregate
    :raise ValidationFailure: ``unknown_aggregation``, ``recurring_not_allowed`` or, with
        every bad push at ``pushes.<index>.<field>``: ``naive_timestamp``,
        ``invalid_timestamp``, ``invalid_seq``, ``duplicate_seq``,
        ``value_is_not_valid_number``, ``negative_value``, ``missing_key``
    """
    validate_metric(aggregation, recurring)
    problems = Problems()
    clean = _clean_pushes(aggregation, recurring, pushes, problems)
    carry = _clean_opening(aggregation, recurring, opening, problems)
    problems.raise_if_any()
    kept = tuple(sorted(latest_per_window(clean), key=_time_order))
    if aggregation == "unique":
        return _unique(kept, carry, recurring)
    values = [push.value for push in kept]
    if aggregation == "sum":
        return _sum(kept, values, carry, recurring)
    if aggregation == "count":
        return Aggregate(Decimal(len(kept)), (ONE,) * len(kept), kept, None)
    if aggregation == "max":
        return Aggregate(max(values, default=ZERO), None, kept, None)
    return Aggregate(values[-1] if values else ZERO, None, kept, None)  # last


def latest_per_window(pushes):
    """Keep, for every window, only its newest version (see the re-push rule).

    Pushes are taken in arrival order (``seq``); a later push of a window replaces the
    current one unless it is identical to it (same value, timestamp and key), in which
    case the original stays, arrival order included: an identical re-push then cannot
    even change which of two windows stamped at the same instant counts as the later one.

    :param Iterable pushes: :class:`Push` records with unique ``seq``
    :return: the survivors, in arrival order
    :rtype: list
    """
    latest = {}
    for push in sorted(pushes, key=_arrival):
        slot = ("window", push.window) if push.window is not None else ("alone", push.seq)
        current = latest.get(slot)
        if current is None or _record(push) != _record(current):
            latest[slot] = push
    return sorted(latest.values(), key=_arrival)


def _arrival(push):
    return push.seq


def _record(push):
    return push.value, push.timestamp, push.key


def _time_order(push):
    return push.timestamp, push.seq


def _sum(kept, values, carry, recurring):
    total = sum(values, ZERO)
    if not recurring:
        return Aggregate(total, tuple(values), kept, None)
    balance = carry + total
    if balance < 0:
        raise ValidationFailure({"pushes": ["negative_balance"]})
    return Aggregate(balance, None, kept, None)


def _unique(kept, carry, recurring):
    seen = set(carry or ())
    events = []
    for push in kept:
        if push.key not in seen:
            seen.add(push.key)
            events.append(ONE)
    events = None if recurring else tuple(events)
    return Aggregate(Decimal(len(seen)), events, kept, frozenset(seen))


def _clean_pushes(aggregation, recurring, pushes, problems):
    """Check every push; return them with ``Decimal`` values (``None`` if ignored)."""
    if isinstance(pushes, (str, bytes)) or not isinstance(pushes, Iterable):
        problems.add("pushes", "invalid_type")
        return []
    clean, seqs = [], set()
    signed = allows_negative(aggregation, recurring)
    for index, push in enumerate(pushes):
        path = f"pushes.{index}"
        if not isinstance(push, Push):
            problems.add(path, "invalid_type")
            continue
        _check_time(push, path, seqs, problems)
        value = None
        if aggregation in VALUE_AGGREGATIONS:
            value = decimal_field(problems, push.value, f"{path}.value",
                                  "value_is_not_valid_number", minimum=None)
            if value is not None and value < 0 and not signed:
                problems.add(f"{path}.value", "negative_value")
        elif aggregation == "unique":
            _check_key(push.key, path, problems)
        clean.append(push._replace(value=value))
    return clean


def _check_time(push, path, seqs, problems):
    stamp = push.timestamp
    if not isinstance(stamp, datetime):
        problems.add(f"{path}.timestamp", "invalid_timestamp")
    elif stamp.tzinfo is None or stamp.utcoffset() is None:
        problems.add(f"{path}.timestamp", "naive_timestamp")
    if isinstance(push.seq, bool) or not isinstance(push.seq, int):
        problems.add(f"{path}.seq", "invalid_seq")
    elif push.seq in seqs:
        problems.add(f"{path}.seq", "duplicate_seq")
    else:
        seqs.add(push.seq)


def _check_key(key, path, problems):
    if key is None:
        problems.add(f"{path}.key", "missing_key")
    elif not isinstance(key, Hashable):
        problems.add(f"{path}.key", "invalid_key")


def _clean_opening(aggregation, recurring, opening, problems):
    """The recurring carry, checked: a ``Decimal`` (sum) or a set of keys (unique)."""
    if not recurring:
        if opening is not None:
            problems.add("opening", "opening_not_allowed")
        return None
    if aggregation == "sum":
        carry = decimal_field(problems, ZERO if opening is None else opening,
                              "opening", "invalid_opening")
        return ZERO if carry is None else carry
    if opening is None:
        return frozenset()
    if isinstance(opening, (str, bytes)) or not isinstance(opening, Iterable):
        problems.add("opening", "invalid_opening")
        return frozenset()
    keys = list(opening)
    if any(key is None or not isinstance(key, Hashable) for key in keys):
        problems.add("opening", "invalid_opening")
        return frozenset()
    return frozenset(keys)
