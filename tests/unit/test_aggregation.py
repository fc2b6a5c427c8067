# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""aggregate(): sum / max / last / count / unique over aggregate pushes, re-push rule."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engine import catalogue
from engine.aggregation import Aggregate, Push, aggregate, latest_per_window
from engine.errors import ValidationFailure
from engine.rating import Charge, rate

D = Decimal
T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def at(hours):
    return T0 + timedelta(hours=hours)


def push(value, hour, seq, key=None, window=None):
    return Push(value, at(hour), seq, key=key, window=window)


# Hourly windows "h1".."h3"; h1 is re-pushed (seq 4) with a corrected 7.
PUSHES = [
    push("5", 1, 1, key="alice", window="h1"),
    push("2", 2, 2, key="bob", window="h2"),
    push("4", 3, 3, key="alice", window="h3"),
    push("7", 1, 4, key="carol", window="h1"),
]


@pytest.mark.parametrize(
    ("aggregation", "pushes", "units", "events"),
    [
        pytest.param("sum", PUSHES, D(13), (D(7), D(2), D(4)), id="sum-re-push-replaces"),
        pytest.param("max", PUSHES, D(7), None, id="max-of-window-values"),
        pytest.param("last", PUSHES, D(4), None, id="last-latest-timestamp"),
        pytest.param("count", PUSHES, D(3), (D(1),) * 3, id="count-windows-not-pushes"),
        pytest.param("unique", PUSHES, D(3), (D(1),) * 3, id="unique-keys-after-re-push"),
        pytest.param("sum", [], D(0), (), id="sum-empty"),
        pytest.param("max", [], D(0), None, id="max-empty"),
        pytest.param("last", [], D(0), None, id="last-empty"),
        pytest.param("count", [], D(0), (), id="count-empty"),
        pytest.param("unique", [], D(0), (), id="unique-empty"),
        pytest.param("sum", [push("1.5", 1, 1), push(2, 2, 2), push(0.25, 3, 3)],
                     D("3.75"), (D("1.5"), D(2), D("0.25")), id="sum-mixed-number-types"),
        pytest.param("sum", [push("3", 1, 1), push("3", 2, 2)], D(6), (D(3), D(3)),
                     id="no-window-no-replacement"),
        pytest.param("last", [push("1", 5, 1), push("9", 5, 2)], D(9), None,
                     id="last-tie-goes-to-later-push"),
        pytest.param("last", [push("1", 5, 2), push("9", 5, 1)], D(1), None,
                     id="last-tie-later-seq-whatever-the-list-order"),
        pytest.param("last", [push("8", 9, 1), push("3", 2, 2)], D(8), None,
                     id="last-late-arrival-with-older-timestamp-loses"),
        pytest.param("max", [push("8", 1, 1, window="w"), push("3", 1, 2, window="w")], D(3),
                     None, id="max-corrected-downwards"),
        pytest.param("count", [push(None, 1, 1), push("junk", 2, 2)], D(2), (D(1), D(1)),
                     id="count-ignores-values"),
        pytest.param("unique", [push(None, 1, 1, key="a"), push(None, 2, 2, key="a"),
                                push(None, 3, 3, key="b")], D(2), (D(1), D(1)),
                     id="unique-distinct-keys"),
        pytest.param("unique", [push(None, 1, 1, key="a", window="w"),
                                push(None, 1, 2, key="b", window="w")], D(1), (D(1),),
                     id="unique-re-push-replaces-key"),
        pytest.param("sum", [push("2", 3, 2), push("1", 1, 1)], D(3), (D(1), D(2)),
                     id="events-in-time-order"),
    ],
)
def test_aggregate(aggregation, pushes, units, events):
    result = aggregate(aggregation, pushes)
    assert result.units == units
    assert result.events == events
    if result.events is not None:
        assert sum(result.events, D(0)) == result.units


def test_identical_re_push_changes_nothing():
    base = [push("5", 1, 1, window="h1"), push("2", 2, 2, window="h2")]
    again = base + [push("5", 1, 3, window="h1"), push("2", 2, 4, window="h2")]
    for code in catalogue.AGGREGATIONS:
        pushes = [p._replace(key=p.window) for p in again]
        first = aggregate(code, [p._replace(key=p.window) for p in base])
        assert aggregate(code, pushes).units == first.units, code


def test_newest_push_wins_by_arrival_order_not_list_order():
    pushes = [push("9", 1, 7, window="w"), push("1", 1, 3, window="w")]
    assert aggregate("sum", pushes).units == D(9)
    assert latest_per_window(pushes) == [pushes[0]]


def test_identical_re_push_keeps_the_original_version():
    original = push("5", 1, 1, window="w")
    assert latest_per_window([original, original._replace(seq=9)]) == [original]
    # Values are compared as numbers once parsed: "5.0" is the same figure as "5".
    survivors = aggregate("sum", [original, push("5.0", 1, 9, window="w")]).pushes
    assert [p.seq for p in survivors] == [1]


def test_identical_re_push_cannot_change_a_timestamp_tie():
    # Windows w1 and w2 are stamped at the same instant; w2 arrived (was corrected) last.
    pushes = [push("0", 0, 0, window="w2"), push("0", 0, 1, window="w1"),
              push("1", 0, 2, window="w2")]
    assert aggregate("last", pushes).units == D(1)
    # Re-pushing both windows unchanged, w1 last, must not make w1 the later push.
    again = pushes + [push("1", 0, 3, window="w2"), push("0", 0, 4, window="w1")]
    assert aggregate("last", again).units == D(1)


def test_corrected_re_push_becomes_the_later_push_of_a_tie():
    pushes = [push("4", 0, 0, window="w1"), push("6", 0, 1, window="w2"),
              push("5", 0, 2, window="w1")]
    assert aggregate("last", pushes).units == D(5)


def test_surviving_pushes_are_returned_in_time_order_with_decimals():
    result = aggregate("sum", PUSHES)
    assert isinstance(result, Aggregate)
    assert [p.seq for p in result.pushes] == [4, 2, 3]
    assert [p.value for p in result.pushes] == [D(7), D(2), D(4)]
    assert result.keys is None


def test_sum_events_feed_percentage_rating():
    result = aggregate("sum", [push("50", 1, 1), push("100", 2, 2), push("250", 3, 3),
                               push("400", 4, 4)])
    charge = Charge.build("percentage", {"rate": "1.3", "fixed_amount": "2.0",
                                         "free_units_per_events": 3,
                                         "free_units_per_total_aggregation": "250.0"})
    assert rate(charge, result.units, events=result.events).amount == D("11.15")


def test_count_events_feed_a_fixed_fee():
    result = aggregate("count", [push(None, h, h, window=f"tx{h}") for h in range(1, 6)])
    charge = Charge.build("percentage", {"rate": "0", "fixed_amount": "0.10"})
    assert rate(charge, result.units, events=result.events).amount == D("0.50")


# --- recurring metrics
def test_recurring_sum_carries_a_balance_with_signed_deltas():
    pushes = [push("3", 1, 1), push("-1", 2, 2)]
    result = aggregate("sum", pushes, recurring=True, opening="10")
    assert result.units == D(12)
    assert result.events is None
    following = aggregate("sum", [], recurring=True, opening=result.units)
    assert following.units == D(12)


def test_recurring_sum_defaults_to_a_zero_opening():
    assert aggregate("sum", [push("4", 1, 1)], recurring=True).units == D(4)


def test_recurring_sum_cannot_end_below_zero():
    with pytest.raises(ValidationFailure) as caught:
        aggregate("sum", [push("-5", 1, 1)], recurring=True, opening=2)
    assert caught.value.details == {"pushes": ["negative_balance"]}


def test_recurring_unique_carries_keys():
    first = aggregate("unique", [push(None, 1, 1, key="a"), push(None, 2, 2, key="b")],
                      recurring=True)
    assert first.units == D(2) and first.keys == frozenset({"a", "b"})
    second = aggregate("unique", [push(None, 1, 3, key="b"), push(None, 2, 4, key="c")],
                       recurring=True, opening=first.keys)
    assert second.units == D(3)
    assert second.keys == frozenset({"a", "b", "c"})
    assert second.events is None


def test_unique_reports_its_keys_when_not_recurring():
    result = aggregate("unique", [push(None, 1, 1, key=7), push(None, 2, 2, key=8)])
    assert result.keys == frozenset({7, 8})


# --- errors
@pytest.mark.parametrize(
    ("aggregation", "recurring", "details"),
    [
        ("avg", False, {"aggregation_type": ["unknown_aggregation"]}),
        ("latest", False, {"aggregation_type": ["unknown_aggregation"]}),
        (None, False, {"aggregation_type": ["unknown_aggregation"]}),
        ("max", True, {"recurring": ["recurring_not_allowed"]}),
        ("last", True, {"recurring": ["recurring_not_allowed"]}),
        ("count", True, {"recurring": ["recurring_not_allowed"]}),
    ],
)
def test_unknown_or_non_recurring_aggregations_are_refused(aggregation, recurring, details):
    with pytest.raises(ValidationFailure) as caught:
        aggregate(aggregation, [], recurring=recurring)
    assert caught.value.details == details


def test_every_bad_push_is_reported():
    naive = datetime(2026, 3, 1, 12)
    pushes = [
        Push("1", naive, 1),
        Push("x", at(1), 2),
        Push("-3", at(1), 3),
        Push("2", "2026-03-01", 4),
        Push("2", at(2), 4),
        Push("2", at(2), True),
        ("1", at(1), 9),
    ]
    with pytest.raises(ValidationFailure) as caught:
        aggregate("sum", pushes)
    assert caught.value.details == {
        "pushes.0.timestamp": ["naive_timestamp"],
        "pushes.1.value": ["value_is_not_valid_number"],
        "pushes.2.value": ["negative_value"],
        "pushes.3.timestamp": ["invalid_timestamp"],
        "pushes.4.seq": ["duplicate_seq"],
        "pushes.5.seq": ["invalid_seq"],
        "pushes.6": ["invalid_type"],
    }


@pytest.mark.parametrize("aggregation", ["max", "last"])
def test_gauges_refuse_negative_values(aggregation):
    with pytest.raises(ValidationFailure) as caught:
        aggregate(aggregation, [push("-1", 1, 1)])
    assert caught.value.details == {"pushes.0.value": ["negative_value"]}


def test_unique_needs_a_hashable_key():
    with pytest.raises(ValidationFailure) as caught:
        aggregate("unique", [push(None, 1, 1), push(None, 2, 2, key=["a"])])
    assert caught.value.details == {"pushes.0.key": ["missing_key"],
                                    "pushes.1.key": ["invalid_key"]}


@pytest.mark.parametrize(
    ("aggregation", "recurring", "opening", "details"),
    [
        ("sum", False, 5, {"opening": ["opening_not_allowed"]}),
        ("sum", True, "-1", {"opening": ["invalid_opening"]}),
        ("sum", True, "five", {"opening": ["invalid_opening"]}),
        ("unique", True, "abc", {"opening": ["invalid_opening"]}),
        ("unique", True, [None], {"opening": ["invalid_opening"]}),
        ("unique", True, 3, {"opening": ["invalid_opening"]}),
    ],
)
def test_bad_openings_are_refused(aggregation, recurring, opening, details):
    with pytest.raises(ValidationFailure) as caught:
        aggregate(aggregation, [], recurring=recurring, opening=opening)
    assert caught.value.details == details


@pytest.mark.parametrize("pushes", ["abc", 5, None])
def test_pushes_must_be_a_list(pushes):
    with pytest.raises(ValidationFailure) as caught:
        aggregate("sum", pushes)
    assert caught.value.details == {"pushes": ["invalid_type"]}


def test_aware_non_utc_timestamps_are_compared_as_instants():
    toronto = timezone(timedelta(hours=-5))
    early_utc = Push("1", datetime(2026, 3, 1, 14, tzinfo=timezone.utc), 2)
    later_local = Push("2", datetime(2026, 3, 1, 10, tzinfo=toronto), 1)  # 15:00 UTC
    assert aggregate("last", [early_utc, later_local]).units == D(2)


def test_every_catalogue_aggregation_is_implemented():
    for code in catalogue.AGGREGATIONS:
        assert aggregate(code, []).units == D(0)
    for code in catalogue.RECURRING_AGGREGATIONS:
        assert aggregate(code, [], recurring=True).units == D(0)
