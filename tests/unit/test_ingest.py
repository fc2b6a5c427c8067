# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.ingest: timestamps, push judgement, replay policy, batch rules."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from engine.errors import ValidationFailure
from engine.ingest import (
    CREATED,
    OVERWRITTEN,
    REJECT,
    REPLAYED,
    CleanPush,
    MetricRule,
    Stored,
    SubscriptionSpan,
    batch_errors,
    check_batch_size,
    duplicate_in_batch,
    judge_new,
    judge_push,
    judge_replay,
    parse_timestamp,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SPAN = SubscriptionSpan(start=datetime(2026, 11, 1, 5, 0, tzinfo=UTC))
SUM = MetricRule("sum")


def push(**values):
    raw = {
        "transaction_id": "api_calls-2026-11-24T10", "external_subscription_id": "sub_1",
        "code": "api_calls", "timestamp": "2026-11-24T10:00:00Z",
        "properties": {"value": "12.5"},
    }
    raw.update(values)
    return raw


def codes(failure):
    return failure.value.details


@pytest.mark.parametrize(("value", "expected"), [
    (1764000000, datetime(2025, 11, 24, 16, 0, tzinfo=UTC)),
    ("1764000000.25", datetime(2025, 11, 24, 16, 0, 0, 250000, tzinfo=UTC)),
    (1764000000.5, datetime(2025, 11, 24, 16, 0, 0, 500000, tzinfo=UTC)),
    (Decimal("0"), datetime(1970, 1, 1, tzinfo=UTC)),
    ("2026-11-24T10:00:00Z", datetime(2026, 11, 24, 10, tzinfo=UTC)),
    ("2026-11-24T05:00:00-05:00", datetime(2026, 11, 24, 10, tzinfo=UTC)),
    ("2026-11-24T10:00:00.123456", datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=UTC)),
    ("2026-11-24", datetime(2026, 11, 24, tzinfo=UTC)),
])
def test_timestamps_parse_to_utc(value, expected):
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize("value", [
    True, None, "", "yesterday", "NaN", "inf", float("nan"), float("inf"), [], {},
    "2026-13-01T00:00:00", "1e30", "-inf", "T10:00",
])
def test_bad_timestamps_are_invalid_format(value):
    with pytest.raises(ValidationFailure) as failure:
        parse_timestamp(value)
    assert codes(failure) == {"timestamp": ["invalid_format"]}


def test_a_good_push_is_clean():
    clean = judge_push(push(), metric=SUM, span=SPAN, now=NOW)
    assert clean == CleanPush(
        "api_calls-2026-11-24T10", "sub_1", "api_calls",
        datetime(2026, 11, 24, 10, tzinfo=UTC), Decimal("12.5"), None, {"value": "12.5"}, False,
    )


def test_missing_timestamp_is_the_time_of_arrival():
    clean = judge_push(push(timestamp=None), metric=SUM, span=SPAN, now=NOW)
    assert clean.timestamp == NOW


def test_every_problem_is_reported_at_once():
    raw = {"transaction_id": " ", "code": "nope", "timestamp": "soon",
           "properties": {"value": "x"}}
    with pytest.raises(ValidationFailure) as failure:
        judge_push(raw, metric=None, span=None, now=NOW)
    assert codes(failure) == {
        "transaction_id": ["value_is_mandatory"],
        "external_subscription_id": ["value_is_mandatory"],
        "code": ["metric_not_found"],
        "timestamp": ["invalid_format"],
    }


def test_unknown_subscription():
    with pytest.raises(ValidationFailure) as failure:
        judge_push(push(), metric=SUM, span=None, now=NOW)
    assert codes(failure) == {"external_subscription_id": ["subscription_not_found"]}


@pytest.mark.parametrize(("properties", "metric", "expected"), [
    ({}, SUM, {"properties.value": ["value_is_mandatory"]}),
    ({"value": ""}, SUM, {"properties.value": ["value_is_mandatory"]}),
    ({"value": "NaN"}, SUM, {"properties.value": ["value_is_not_valid_number"]}),
    ({"value": True}, SUM, {"properties.value": ["value_is_not_valid_number"]}),
    ({"value": "-1"}, SUM, {"properties.value": ["negative_value"]}),
    ({"value": "1e15"}, SUM, {"properties.value": ["value_is_not_valid_number"]}),
    ({"value": "1e-13"}, SUM, {"properties.value": ["value_is_not_valid_number"]}),
    ({"value": "-1"}, MetricRule("max"), {"properties.value": ["negative_value"]}),
    ({"gb": "1"}, MetricRule("sum", "gb_used"), {"properties.gb_used": ["value_is_mandatory"]}),
    ({}, MetricRule("unique", "user_id"), {"properties.user_id": ["value_is_mandatory"]}),
    ({"user_id": 1.5}, MetricRule("unique", "user_id"), {"properties.user_id": ["invalid_format"]}),
])
def test_property_rules(properties, metric, expected):
    with pytest.raises(ValidationFailure) as failure:
        judge_push(push(properties=properties), metric=metric, span=SPAN, now=NOW)
    assert codes(failure) == expected


def test_properties_must_be_an_object():
    with pytest.raises(ValidationFailure) as failure:
        judge_push(push(properties=[1]), metric=SUM, span=SPAN, now=NOW)
    assert codes(failure) == {"properties": ["invalid_format"]}


def test_recurring_sum_takes_signed_deltas():
    clean = judge_push(push(properties={"value": "-2"}), metric=MetricRule("sum", recurring=True),
                       span=SPAN, now=NOW)
    assert clean.quantity == Decimal(-2)


@pytest.mark.parametrize(("metric", "properties", "quantity", "key"), [
    (MetricRule("count"), {}, Decimal(1), None),
    (MetricRule("unique", "user_id"), {"user_id": 42}, Decimal(1), "42"),
    (MetricRule("last"), {"value": 7}, Decimal(7), None),
])
def test_measure_by_aggregation(metric, properties, quantity, key):
    clean = judge_push(push(properties=properties), metric=metric, span=SPAN, now=NOW)
    assert (clean.quantity, clean.unique_key) == (quantity, key)


@pytest.mark.parametrize(("stamp", "span", "code"), [
    (NOW + timedelta(minutes=5, seconds=1), SPAN, "timestamp_in_the_future"),
    ("2026-11-01T04:59:59Z", SPAN, "before_subscription_start"),
    ("2026-11-20T00:00:00Z", SPAN._replace(end=datetime(2026, 11, 20, tzinfo=UTC)),
     "after_subscription_end"),
])
def test_timestamp_window(stamp, span, code):
    if isinstance(stamp, datetime):
        stamp = stamp.isoformat()
    with pytest.raises(ValidationFailure) as failure:
        judge_push(push(timestamp=stamp), metric=SUM, span=span, now=NOW)
    assert codes(failure) == {"timestamp": [code]}


def test_a_push_into_a_rated_period_is_late_and_only_replays_pass():
    span = SPAN._replace(open_from=datetime(2026, 11, 10, tzinfo=UTC))
    late = judge_push(push(timestamp="2026-11-09T23:59:59Z"), metric=SUM, span=span, now=NOW)
    assert late.late
    assert not judge_push(push(timestamp="2026-11-10T00:00:00Z"), metric=SUM, span=span,
                          now=NOW).late
    with pytest.raises(ValidationFailure) as failure:
        judge_new(late)
    assert codes(failure) == {"timestamp": ["period_already_billed"]}
    same = stored(timestamp=late.timestamp)
    assert judge_replay(same, late, "overwrite") == REPLAYED
    with pytest.raises(ValidationFailure) as failure:
        judge_replay(same, late._replace(quantity=Decimal(1)), "overwrite")
    assert codes(failure) == {"timestamp": ["period_already_billed"]}


def test_five_minutes_of_clock_skew_are_accepted():
    stamp = (NOW + timedelta(minutes=5)).isoformat()
    assert judge_push(push(timestamp=stamp), metric=SUM, span=SPAN, now=NOW).timestamp > NOW


def test_identifiers_are_bounded_and_typed():
    with pytest.raises(ValidationFailure) as failure:
        judge_push(push(transaction_id="x" * 256, code=["a"]), metric=SUM, span=SPAN, now=NOW)
    assert codes(failure) == {"transaction_id": ["value_is_too_long"], "code": ["invalid_format"]}


def stored(**values):
    base = Stored("api_calls", datetime(2026, 11, 24, 10, tzinfo=UTC), Decimal("12.5"), None,
                  False)
    return base._replace(**values)


def test_identical_replay_is_replayed_even_when_frozen_or_rejecting():
    clean = judge_push(push(properties={"value": "12.50"}), metric=SUM, span=SPAN, now=NOW)
    assert judge_replay(stored(), clean, "overwrite") == REPLAYED
    assert judge_replay(stored(frozen=True), clean, REJECT) == REPLAYED


def test_changed_replay_follows_the_policy():
    clean = judge_push(push(properties={"value": "13"}), metric=SUM, span=SPAN, now=NOW)
    assert judge_replay(stored(), clean, "overwrite") == OVERWRITTEN
    with pytest.raises(ValidationFailure) as failure:
        judge_replay(stored(), clean, REJECT)
    assert codes(failure) == {"transaction_id": ["value_already_exist"]}


def test_a_rated_row_refuses_any_change():
    clean = judge_push(push(timestamp="2026-11-24T10:00:01Z"), metric=SUM, span=SPAN, now=NOW)
    with pytest.raises(ValidationFailure) as failure:
        judge_replay(stored(frozen=True), clean, "overwrite")
    assert codes(failure) == {"transaction_id": ["period_already_billed"]}


def test_a_window_cannot_move_to_another_metric():
    clean = judge_push(push(code="storage"), metric=SUM, span=SPAN, now=NOW)
    with pytest.raises(ValidationFailure) as failure:
        judge_replay(stored(), clean, "overwrite")
    assert codes(failure) == {"code": ["metric_cannot_change"]}


def test_batch_size():
    check_batch_size([1] * 100)
    for bad, code in (([], "no_events"), ([1] * 101, "too_many_events"), ("x", "invalid_format")):
        with pytest.raises(ValidationFailure) as failure:
            check_batch_size(bad)
        assert codes(failure) == {"events": [code]}


def test_duplicates_inside_a_batch():
    a = judge_push(push(), metric=SUM, span=SPAN, now=NOW)
    b = a._replace(quantity=Decimal(3))
    other_sub = a._replace(external_subscription_id="sub_2", quantity=Decimal(3))
    assert duplicate_in_batch([a, None, a, b, other_sub]) == {3}


def test_batch_errors_are_keyed_by_index():
    failure = ValidationFailure({"code": ["metric_not_found"]})
    assert batch_errors([CREATED, failure, REPLAYED]) == {"1": {"code": ["metric_not_found"]}}


def test_subscription_span_from_local_dates():
    from datetime import date

    from engine.ingest import subscription_span

    span = subscription_span(date(2026, 11, 1), date(2026, 11, 15), date(2026, 11, 10),
                             "America/Toronto")
    assert span == SubscriptionSpan(
        start=datetime(2026, 11, 1, 4, tzinfo=UTC),  # EDT ends on Nov 1 at 2 a.m.
        end=datetime(2026, 11, 16, 5, tzinfo=UTC),
        open_from=datetime(2026, 11, 10, 5, tzinfo=UTC),
    )
    assert subscription_span(date(2026, 11, 1), None, None, "UTC").open_from == \
        datetime(2026, 11, 1, tzinfo=UTC)
    assert subscription_span(None, None, None, "UTC") is None
    assert subscription_span(date(2026, 11, 1), None, None, "UTC", cancelled=True) is None


def test_a_terminated_subscription_takes_usage_up_to_the_instant_of_termination():
    from datetime import date

    from engine.ingest import judge_push, subscription_span

    terminated = datetime(2026, 11, 20, 15, tzinfo=UTC)
    span = subscription_span(date(2026, 11, 1), date(2026, 11, 20), None, "America/Toronto",
                             terminated_at=terminated)
    assert span.end == datetime(2026, 11, 20, 15, 0, 0, 1, tzinfo=UTC)
    now = datetime(2026, 11, 20, 16, tzinfo=UTC)
    metric = MetricRule("sum")

    def push(at):
        return {"transaction_id": at, "external_subscription_id": "s", "code": "c",
                "timestamp": at, "properties": {"value": 1}}

    assert judge_push(push("2026-11-20T15:00:00Z"), metric=metric, span=span, now=now)
    with pytest.raises(ValidationFailure) as refused:
        judge_push(push("2026-11-20T15:00:01Z"), metric=metric, span=span, now=now)
    assert refused.value.details == {"timestamp": ["after_subscription_end"]}


def test_nul_characters_and_unhashable_codes_are_refused_not_crashed_on():
    from engine.ingest import lookup_key

    raw = push(transaction_id="a\x00b", properties={"value": 1, "note": "x\x00"})
    with pytest.raises(ValidationFailure) as failure:
        judge_push(raw, metric=SUM, span=SPAN, now=NOW)
    assert codes(failure) == {"transaction_id": ["invalid_format"],
                              "properties": ["invalid_format"]}
    assert lookup_key({"a": 1}) is None and lookup_key(True) is None and lookup_key(7) == "7"
    with pytest.raises(ValidationFailure) as failure:
        judge_push(push(code={}), metric=None, span=SPAN, now=NOW)
    assert codes(failure) == {"code": ["invalid_format"]}
