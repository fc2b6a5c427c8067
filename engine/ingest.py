# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Judging usage pushes: one raw push in, a clean push or every problem out.

The model looks up the metric and the subscription a push names and hands them over as
plain values (:class:`MetricRule`, :class:`SubscriptionSpan`); everything decided about
the push is decided here, so the rules are tested without Odoo:

* the identity of a push is ``(external subscription id, transaction id)`` within a
  service, as Lago's ``(organization, external_subscription_id, transaction_id)``;
* the timestamp is Unix seconds (decimals allowed) or a date or RFC 3339 date-time (UTC
  when it has no offset); absent, it is the time of arrival, as in Lago. It may not be more than
  :data:`FUTURE_TOLERANCE` ahead of the server's clock, before the subscription's start,
  after its end. A push into a period that is already rated is ``late``: only an
  identical replay of a stored push is accepted there (``period_already_billed``);
* the metric's property (``field_name``) is a finite number for sum, max and last
  (signed only for a recurring sum) and a key for unique; count needs none;
* a push whose key is already stored is an identical **replay** (returned as stored), an
  **overwrite** (the metric's replay policy allows it) or refused: see :func:`judge_replay`.

Error codes are Lago's where Lago has one (``value_is_mandatory``, ``invalid_format``,
``value_is_not_valid_number``, ``metric_not_found``, ``subscription_not_found``,
``value_already_exist``) and our own, stable, otherwise.
"""

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple

from .catalogue import VALUE_AGGREGATIONS, allows_negative
from .checks import Problems, parse_iso_instant, text_field
from .errors import ValidationFailure
from .money import NOT_A_NUMBER, to_decimal
from .periods import local_midnight_utc

MAX_BATCH = 100
# Unix seconds as text: a plain decimal number, nothing else (no NaN, no exponent).
_SECONDS = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(minutes=5)
# Pushed values are counters and peaks: anything this large or this small is a bug in the
# app, and would not survive the storage (NUMERIC) or the arithmetic either.
MAX_VALUE = Decimal("1e15")
MIN_VALUE = Decimal("1e-12")
# Longest transaction id, external id or key kept (Lago stores strings; keep them sane).
MAX_ID_LENGTH = 255

# Replay policies of a metric (fusion.billing.metric.replay_policy).
OVERWRITE = "overwrite"
REJECT = "reject"
REPLAY_POLICIES = (OVERWRITE, REJECT)

# Outcomes of a stored push.
CREATED = "created"
REPLAYED = "replayed"
OVERWRITTEN = "overwritten"


class MetricRule(NamedTuple):
    """What judging a push needs of its metric."""

    aggregation: str
    field_name: str = "value"
    recurring: bool = False
    replay_policy: str = OVERWRITE


class SubscriptionSpan(NamedTuple):
    """The instants (UTC-aware) between which a subscription takes usage.

    ``start``: the subscription's first instant; ``end``: the first instant after it ended
    (``None`` while it runs); ``open_from``: the start of its open (not yet rated) usage
    period: anything earlier belongs to a rated period.
    """

    start: datetime
    end: datetime | None = None
    open_from: datetime | None = None


class CleanPush(NamedTuple):
    """A push that passed every check, ready to store."""

    transaction_id: str
    external_subscription_id: str
    code: str
    timestamp: datetime  # UTC-aware, microseconds kept
    quantity: Decimal  # the number counted (1 for count and unique)
    unique_key: str | None  # the distinct thing, for unique
    properties: dict
    late: bool = False  # its timestamp lies in a period that is already rated


class Stored(NamedTuple):
    """What a replay is compared with: the stored row of the same key."""

    code: str
    timestamp: datetime
    quantity: Decimal
    unique_key: str | None
    frozen: bool  # its period is rated (the row is part of a bill)


def subscription_span(start_date, end_date, open_from, tz_name, cancelled=False,
                      terminated_at=None):
    """The span of a subscription from its dates (company-local), or ``None`` when it
    takes no usage (cancelled, or not started: no start date).

    :param date start_date: first day
    :param date end_date: last day (inclusive), or ``None``
    :param date open_from: first day of the open (not rated) usage period
    :param str tz_name: the company's time zone
    :param datetime terminated_at: the instant it was terminated (UTC-aware), if it was:
        usage after it is refused even on its last day, as Lago bills none after it
    :rtype: SubscriptionSpan or None
    """
    if cancelled or not start_date:
        return None
    end = local_midnight_utc(end_date + timedelta(days=1), tz_name) if end_date else None
    if terminated_at is not None:
        # ``end`` is the first instant after the span: the termination's own is in it.
        after = terminated_at + timedelta(microseconds=1)
        end = after if end is None else min(end, after)
    return SubscriptionSpan(
        start=local_midnight_utc(start_date, tz_name),
        end=end,
        open_from=local_midnight_utc(open_from or start_date, tz_name),
    )


def parse_timestamp(value, path="timestamp"):
    """Parse a push timestamp into an aware UTC datetime.

    :param value: Unix seconds (``int``, ``float``, ``Decimal`` or a decimal string) or a
        date or RFC 3339 date-time string (``engine.checks.parse_iso_instant``: without
        an offset it is UTC). Seconds beyond the calendar are its first or last instant,
        then refused as too early or too far ahead, like any other instant.
    :rtype: datetime
    :raise ValidationFailure: ``invalid_format``
    """
    if isinstance(value, str):
        if _SECONDS.match(value):
            return _from_seconds(Decimal(value))
        try:
            return parse_iso_instant(value)
        except ValueError:
            raise _invalid(path) from None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _invalid(path)
    if isinstance(value, float) and not math.isfinite(value):
        raise _invalid(path)
    try:
        return _from_seconds(to_decimal(value, path))
    except ValidationFailure:
        raise _invalid(path) from None


def _invalid(path):
    return ValidationFailure({path: ["invalid_format"]})


def _from_seconds(seconds):
    micros = int((seconds * 1_000_000).to_integral_value(rounding=ROUND_FLOOR))
    try:
        return _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC) if micros > 0 else \
            datetime.min.replace(tzinfo=UTC)


def judge_push(raw, *, metric, span, now):
    """Check one raw push.

    :param Mapping raw: the push as the app sent it: ``transaction_id``,
        ``external_subscription_id``, ``code``, ``timestamp`` (optional) and
        ``properties``
    :param MetricRule metric: the metric named by ``code``, or ``None`` when the service
        has no active metric of that code
    :param SubscriptionSpan span: the subscription named by ``external_subscription_id``,
        or ``None`` when the service has none of that id
    :param datetime now: the server's clock, UTC-aware
    :rtype: CleanPush
    :raise ValidationFailure: with every problem, field paths as in the push
    """
    problems = Problems()
    if not isinstance(raw, Mapping):
        raise ValidationFailure({"event": ["invalid_format"]})
    transaction_id = _identifier(problems, raw.get("transaction_id"), "transaction_id")
    external_id = _identifier(
        problems, raw.get("external_subscription_id"), "external_subscription_id"
    )
    code = _identifier(problems, raw.get("code"), "code")
    if code is not None and metric is None and "code" not in problems.details:
        problems.add("code", "metric_not_found")
    if external_id is not None and span is None:
        problems.add("external_subscription_id", "subscription_not_found")
    timestamp, late = _timestamp(problems, raw.get("timestamp"), span, now)
    properties = raw.get("properties")
    if properties is None:
        properties = {}
    quantity = key = None
    if not isinstance(properties, Mapping) or _has_nul(properties) or not _flat(properties):
        problems.add("properties", "invalid_format")
        properties = {}
    else:
        quantity, key = _measure(problems, metric, properties)
    problems.raise_if_any()
    return CleanPush(
        transaction_id, external_id, code, timestamp, quantity, key, dict(properties), late
    )


def _flat(properties):
    """Whether every property is a string, a number, a boolean or null (Lago's flat map:
    a push carries figures, not documents)."""
    return all(value is None or isinstance(value, (str, int, float, bool))
               for value in properties.values())


def _has_nul(value):
    """Whether a JSON value holds a NUL character anywhere (jsonb refuses it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(item) for item in value)
    return False


def lookup_key(value):
    """A code or id as the look-ups use it: a string, or ``None`` for anything that
    cannot be one (the push is then judged ``metric_not_found``/``invalid_format``)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value)
    return None if "\x00" in text else text


def _identifier(problems, value, path):
    # Ids are kept as sent (no stripping): they are the app's keys, compared exactly.
    return text_field(problems, value, path, limit=MAX_ID_LENGTH, type_code="invalid_format",
                      strip=False)


def _timestamp(problems, value, span, now):
    """The push's instant, and whether it falls in an already rated period."""
    if value is None:
        stamp = now
    else:
        try:
            stamp = parse_timestamp(value)
        except ValidationFailure as failure:
            problems.merge(failure)
            return None, False
    if stamp > now + FUTURE_TOLERANCE:
        problems.add("timestamp", "timestamp_in_the_future")
    elif span is not None:
        if stamp < span.start:
            problems.add("timestamp", "before_subscription_start")
        elif span.end is not None and stamp >= span.end:
            problems.add("timestamp", "after_subscription_end")
        elif span.open_from is not None and stamp < span.open_from:
            return stamp, True
    return stamp, False


def _measure(problems, metric, properties):
    """The number a push counts and its key, from the metric's property."""
    if metric is None:
        return None, None
    field = metric.field_name or "value"
    path = f"properties.{field}"
    value = properties.get(field)
    if metric.aggregation in VALUE_AGGREGATIONS:
        if value is None or value == "":
            problems.add(path, "value_is_mandatory")
            return None, None
        try:
            number = to_decimal(value, path)
        except ValidationFailure:
            problems.add(path, NOT_A_NUMBER)
            return None, None
        if abs(number) >= MAX_VALUE or (number and abs(number) < MIN_VALUE):
            problems.add(path, NOT_A_NUMBER)
            return None, None
        if number < 0 and not allows_negative(metric.aggregation, metric.recurring):
            problems.add(path, "negative_value")
        return number, None
    if metric.aggregation == "unique":
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.add(path, "value_is_mandatory")
            return None, None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            problems.add(path, "invalid_format")
            return None, None
        return Decimal(1), str(value)
    return Decimal(1), None  # count: one window, whatever it carries


def same_record(stored, push):
    """Whether a push is an identical replay of a stored row (metric, value, time, key).

    :type stored: Stored
    :type push: CleanPush
    :rtype: bool
    """
    return (
        stored.code == push.code
        and stored.quantity == push.quantity
        and stored.timestamp == push.timestamp
        and stored.unique_key == push.unique_key
    )


def judge_replay(stored, push, policy):
    """Decide what a push whose key is already stored does.

    :param Stored stored: the stored row of the same key
    :param CleanPush push: the new push
    :param str policy: the stored metric's replay policy, ``overwrite`` or ``reject``
    :return: :data:`REPLAYED` (identical: nothing changes) or :data:`OVERWRITTEN`
    :rtype: str
    :raise ValidationFailure: ``transaction_id: period_already_billed`` when the stored
        row is part of a bill, ``timestamp: period_already_billed`` when the push moves
        it into a rated period, ``transaction_id: value_already_exist`` when the policy
        rejects, ``code: metric_cannot_change`` when the push names another metric
    """
    if same_record(stored, push):
        return REPLAYED
    if stored.frozen:
        raise ValidationFailure({"transaction_id": ["period_already_billed"]})
    if push.late:
        raise ValidationFailure({"timestamp": ["period_already_billed"]})
    if policy == REJECT:
        raise ValidationFailure({"transaction_id": ["value_already_exist"]})
    if stored.code != push.code:
        # A window is a counter of one metric: moving it to another would silently
        # re-price it. The app must use a new transaction id instead.
        raise ValidationFailure({"code": ["metric_cannot_change"]})
    return OVERWRITTEN


def judge_new(push):
    """Check a push whose key is not stored yet. :raise ValidationFailure: when late"""
    if push.late:
        raise ValidationFailure({"timestamp": ["period_already_billed"]})
    return CREATED


def judge_key(stored, push, policy):
    """The verdict on a push given what is stored under its key (``None``: nothing).

    :return: :data:`CREATED`, :data:`REPLAYED` or :data:`OVERWRITTEN`
    :raise ValidationFailure: as :func:`judge_new` and :func:`judge_replay`
    """
    return judge_new(push) if stored is None else judge_replay(stored, push, policy)


def batch_errors(results):
    """Lago's batch error details: ``{"<index>": {field: [codes]}}`` for failed pushes.

    :param list results: per push, a ``ValidationFailure`` or anything else (accepted)
    :rtype: dict
    """
    return {
        str(index): result.details
        for index, result in enumerate(results)
        if isinstance(result, ValidationFailure)
    }


def check_batch_size(pushes):
    """:raise ValidationFailure: ``events: too_many_events`` / ``no_events``"""
    if isinstance(pushes, (str, bytes, Mapping)) or not hasattr(pushes, "__len__"):
        raise ValidationFailure({"events": ["invalid_format"]})
    if not pushes:
        raise ValidationFailure({"events": ["no_events"]})
    if len(pushes) > MAX_BATCH:
        raise ValidationFailure({"events": ["too_many_events"]})


def duplicate_in_batch(pushes):
    """Indexes of pushes whose key appeared earlier in the same batch with another record.

    Two identical pushes in one batch are one push; two different ones for one key are an
    error in the batch itself (which one wins would depend on the order).

    :param list pushes: :class:`CleanPush` (or ``None`` for pushes that failed)
    :rtype: set
    """
    first, clashes = {}, set()
    for index, push in enumerate(pushes):
        if push is None:
            continue
        key = (push.external_subscription_id, push.transaction_id)
        earlier = first.setdefault(key, push)
        if earlier is not push and earlier[:6] != push[:6]:
            clashes.add(index)
    return clashes
