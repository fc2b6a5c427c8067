# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.allocation: shares to the cent, remainder cents placed deterministically."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.allocation import days_of, evenly, largest_remainder, spread_over_days
from engine.errors import ValidationFailure

D = Decimal


def test_units_split_in_proportion_with_the_cent_left_to_the_largest_remainder():
    # 100.00 over 1:1:1 -> 33.333.. each; one cent left, all remainders equal: key 1 takes it.
    assert largest_remainder(D("100.00"), {3: 1, 1: 1, 2: 1}) == {
        1: D("33.34"), 2: D("33.33"), 3: D("33.33")}
    # 10.00 by map loads 700 / 200 / 100 -> 7.00, 2.00, 1.00 exactly.
    assert largest_remainder(D("10.00"), {7: 700, 8: 200, 9: 100}) == {
        7: D("7.00"), 8: D("2.00"), 9: D("1.00")}


def test_the_largest_remainder_wins_before_the_smaller_key():
    # 1.00 by 1:2:4 -> 14.28.., 28.57.., 57.14.. cents; floors 14 + 28 + 57 = 99; the
    # remainders are .28, .57, .14: the cent goes to key "b" (.57), not to key "a".
    assert largest_remainder(D("1.00"), {"a": 1, "b": 2, "c": 4}) == {
        "a": D("0.14"), "b": D("0.29"), "c": D("0.57")}


def test_the_tie_break_does_not_depend_on_the_order_given():
    weights = {5: 1, 2: 1, 9: 1, 4: 1}
    reordered = dict(reversed(list(weights.items())))
    assert largest_remainder(D("0.10"), weights) == largest_remainder(D("0.10"), reordered)
    assert largest_remainder(D("0.10"), weights) == {
        2: D("0.03"), 4: D("0.03"), 5: D("0.02"), 9: D("0.02")}


def test_a_credit_is_split_as_its_absolute_value_then_negated():
    assert largest_remainder(D("-100.00"), {1: 1, 2: 1, 3: 1}) == {
        1: D("-33.34"), 2: D("-33.33"), 3: D("-33.33")}


def test_a_key_without_weight_gets_nothing_not_even_a_remainder_cent():
    assert largest_remainder(D("0.01"), {1: 0, 2: 3, 3: 3}) == {
        1: D("0.00"), 2: D("0.01"), 3: D("0.00")}


def test_other_exponents_and_unrounded_amounts():
    assert largest_remainder(D("100"), {1: 1, 2: 2}, exponent=0) == {1: D("33"), 2: D("67")}
    # 10.005 is rounded half-up to 10.01 first: the shares add up to the rounded amount.
    assert sum(largest_remainder(D("10.005"), {1: 1, 2: 1}).values()) == D("10.01")


@pytest.mark.parametrize("weights, code", [
    ({}, "nothing_to_allocate_by"),
    ({1: 0, 2: 0}, "nothing_to_allocate_by"),
    ({1: -1, 2: 3}, "negative_weight"),
    ([1, 2], "invalid_type"),
])
def test_nothing_to_allocate_by_is_refused(weights, code):
    with pytest.raises(ValidationFailure) as caught:
        largest_remainder(D("1.00"), weights)
    assert caught.value.details == {"weights": [code]}


def test_evenly_and_over_days():
    assert evenly(D("0.05"), [30, 10, 20]) == {10: D("0.02"), 20: D("0.02"), 30: D("0.01")}
    november = spread_over_days(D("100.00"), date(2026, 11, 1), date(2026, 11, 30))
    assert len(november) == 30 and sum(november.values()) == D("100.00")
    # 100.00 / 30 = 3.333..: ten cents left over, to the first ten days.
    assert november[date(2026, 11, 1)] == D("3.34") and november[date(2026, 11, 10)] == D("3.34")
    assert november[date(2026, 11, 11)] == D("3.33")
    # A February of a leap year has 29 days.
    assert len(days_of(date(2028, 2, 1), date(2028, 2, 29))) == 29
    with pytest.raises(ValidationFailure) as caught:
        days_of(date(2026, 11, 2), date(2026, 11, 1))
    assert caught.value.details == {"period_end": ["before_period_start"]}


@given(
    cents=st.integers(min_value=-10**12, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40),
)
def test_shares_always_add_up_and_never_stray_more_than_a_cent(cents, weights):
    amount = D(cents).scaleb(-2)
    keyed = dict(enumerate(weights))
    if not any(weights):
        with pytest.raises(ValidationFailure):
            largest_remainder(amount, keyed)
        return
    shares = largest_remainder(amount, keyed)
    assert sum(shares.values()) == amount
    total = sum(weights)
    for key, weight in keyed.items():
        exact = amount * weight / total
        assert abs(shares[key] - exact) < D("0.01")
        assert shares[key].as_tuple().exponent == -2
