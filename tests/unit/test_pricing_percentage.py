# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Percentage pricing: Lago's percentage_service, free units and fixed fee per event.

Lago's spec hands the model a running total directly; here the same cases are written as
the events (pushes) that produce that running total, e.g. ``[50, 150, 400]`` for the
first three of ``[50, 100, 250, 400]``.
"""

from decimal import Decimal

import pytest

from engine.errors import ValidationFailure
from engine.pricing import build, price

D = Decimal
SPEC_EVENTS = [50, 100, 250, 400]  # 4 events, 800 units


def pct(rate, fixed=None, per_events=None, per_total=None):
    properties = {"rate": rate}
    for key, value in (("fixed_amount", fixed), ("free_units_per_events", per_events),
                       ("free_units_per_total_aggregation", per_total)):
        if value is not None:
            properties[key] = value
    return properties


@pytest.mark.parametrize(
    ("properties", "units", "events", "expected"),
    [
        pytest.param(pct("1.3", "2.0", 3, "250.0"), 800, SPEC_EVENTS, D("11.15"),
                     id="spec-both-free-rules"),
        pytest.param(pct("1.3", "2.0", None, "250.0"), 800, SPEC_EVENTS, D("11.15"),
                     id="spec-per-events-nil"),
        pytest.param(pct("1.3", "2.0", 3, None), 800, SPEC_EVENTS, D("7.2"),
                     id="spec-per-total-nil"),
        pytest.param(pct("1.3", "2.0"), 800, SPEC_EVENTS, D("18.4"),
                     id="spec-no-free-units"),
        pytest.param(pct("1.3", "2.0", 3, "500.0"), 800, SPEC_EVENTS, D("7.2"),
                     id="spec-per-total-above-last-running-total"),
        pytest.param(pct("1.3", "2.0", 5, None), 400, [50, 100, 250, 0], D("0"),
                     id="spec-free-events-more-than-events"),
        pytest.param(pct("1.3", "2.0", 3, "250.0"), 0, [0, 0, 0, 0], D("0"),
                     id="spec-zero-units-no-fixed-fee"),
        pytest.param(pct("2.9"), 4, None, D("0.116"), id="spec-small-units"),
        pytest.param(pct("0", "2.0"), 800, SPEC_EVENTS, D("8"), id="spec-rate-0"),
        pytest.param(pct("2.99", "0", None, "0"), 10090, None, D("301.691"),
                     id="spec-min-max-case-without-premium"),
        pytest.param(pct("1", "1", None, "100"), 130, [50, 50, 30], D("2.3"),
                     id="event-reaching-T-exactly-pays-fixed-fee"),
        pytest.param(pct("1", "1", 2, "10"), 60, [50, 5, 5], D("1.5"),
                     id="both-no-event-below-T-N-applies"),
        pytest.param(pct("2", None, None, "100"), 250, None, D("3"),
                     id="per-total-without-events"),
        pytest.param(pct("2", None, None, "100"), 50, None, D("0"),
                     id="per-total-covers-all"),
        pytest.param(pct("2", None, None, "100"), 250, [200, 50], D("3"),
                     id="per-total-with-events-same-result"),
        pytest.param(pct("10", None, 5), 30, [10, 20], D("0"),
                     id="fewer-events-than-free-events"),
        pytest.param(pct("10", None, 1), 30, [10, 20], D("2"),
                     id="first-event-free"),
        pytest.param(pct("1.2", "0.10"), 1000, [100] * 10, D("13.0"),
                     id="docs-rate-plus-fee-per-transaction"),
        pytest.param(pct("0.5"), "0.3", None, D("0.0015"), id="unrounded-sub-cent"),
        pytest.param(pct(0.1), 1000, None, D("1"), id="float-rate-through-str"),
    ],
)
def test_percentage_amount(properties, units, events, expected):
    assert price("percentage", properties, units, events=events) == expected


def test_percentage_breakdown_spec_both_rules():
    model = build("percentage", pct("1.3", "2.0", 3, "250.0"))
    events = tuple(D(v) for v in SPEC_EVENTS)
    amount, detail = model.apply(D(800), events)
    assert amount == D("11.15")
    assert model.details(D(800), detail) == {
        "units": "800", "free_units": "250.0", "paid_units": "550.0", "rate": "1.3",
        "per_unit_total_amount": "7.15", "free_events": "2", "paid_events": "2",
        "fixed_fee_unit_amount": "2.0", "fixed_fee_total_amount": "4.0",
    }


def test_percentage_breakdown_without_events():
    model = build("percentage", pct("2"))
    _amount, detail = model.apply(D(50))
    details = model.details(D(50), detail)
    assert details["free_events"] is None and details["paid_events"] is None
    assert details["fixed_fee_total_amount"] == "0"
    assert details["per_unit_total_amount"] == "1"


@pytest.mark.parametrize(
    "properties",
    [
        pytest.param(pct("1", "0.5"), id="fixed-amount"),
        pytest.param(pct("1", None, 2), id="free-units-per-events"),
    ],
)
def test_percentage_per_event_rules_need_events(properties):
    with pytest.raises(ValidationFailure) as caught:
        price("percentage", properties, 10)
    assert caught.value.details == {"events": ["events_required"]}


def test_percentage_zero_fixed_amount_needs_no_events():
    assert price("percentage", pct("10", "0"), 10) == D("1")


def test_percentage_events_must_sum_to_units():
    with pytest.raises(ValidationFailure) as caught:
        price("percentage", pct("1", "1"), 10, events=[5, 4])
    assert caught.value.details == {"events": ["events_do_not_match_units"]}


def test_percentage_events_are_parsed_and_checked_one_by_one():
    with pytest.raises(ValidationFailure) as caught:
        price("percentage", pct("1", "1"), 10, events=[5, "x", -1, True])
    assert caught.value.details == {
        "events.1": ["value_is_not_valid_number"],
        "events.2": ["negative_value"],
        "events.3": ["value_is_not_valid_number"],
    }


@pytest.mark.parametrize("events", ["10", 10, {"a": 1}])
def test_percentage_events_must_be_a_list(events):
    with pytest.raises(ValidationFailure) as caught:
        price("percentage", pct("1", "1"), 10, events=events)
    assert caught.value.details == {"events": ["invalid_type"]}
