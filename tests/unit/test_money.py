# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.money: parsing, the single half-up rounding step, cents."""

from decimal import Decimal

import pytest

from engine.errors import ValidationFailure
from engine.money import (
    check_exponent,
    decimal_str,
    from_cents,
    quantum,
    round_amount,
    to_cents,
    to_decimal,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1.50", D("1.50"), id="decimal-string-keeps-scale"),
        pytest.param("0", D("0"), id="zero-string"),
        pytest.param("-2.5", D("-2.5"), id="negative-string"),
        pytest.param("+3", D("3"), id="plus-sign"),
        pytest.param(".5", D("0.5"), id="leading-dot"),
        pytest.param("5.", D("5"), id="trailing-dot"),
        pytest.param("1e3", D("1000"), id="exponent"),
        pytest.param("2.5E-2", D("0.025"), id="negative-exponent"),
        pytest.param(7, D(7), id="int"),
        pytest.param(0.1, D("0.1"), id="float-through-str"),
        pytest.param(1.1, D("1.1"), id="float-1.1-not-binary-expansion"),
        pytest.param(2.675, D("2.675"), id="float-2.675"),
        pytest.param(1e20, D("1E+20"), id="float-big"),
        pytest.param(D("3.14"), D("3.14"), id="decimal-passthrough"),
        pytest.param("-0", D("0"), id="negative-zero-normalised"),
        pytest.param(-0.0, D("0.0"), id="negative-zero-float-normalised"),
    ],
)
def test_to_decimal_accepts(value, expected):
    result = to_decimal(value)
    assert result == expected
    assert type(result) is Decimal
    assert not result.is_signed() or result < 0


def test_to_decimal_float_is_the_typed_value_not_the_binary_one():
    assert to_decimal(0.1) != Decimal(0.1)
    assert to_decimal(0.1) + to_decimal(0.2) == D("0.3")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(True, id="bool-true"),
        pytest.param(False, id="bool-false"),
        pytest.param(float("nan"), id="float-nan"),
        pytest.param(float("inf"), id="float-inf"),
        pytest.param(D("NaN"), id="decimal-nan"),
        pytest.param(D("Infinity"), id="decimal-infinity"),
        pytest.param("NaN", id="string-nan"),
        pytest.param("Infinity", id="string-infinity"),
        pytest.param("-inf", id="string-minus-inf"),
        pytest.param("abc", id="garbage"),
        pytest.param("", id="empty"),
        pytest.param(" 1", id="leading-space"),
        pytest.param("1 ", id="trailing-space"),
        pytest.param("1_000", id="underscores"),
        pytest.param("1,5", id="comma"),
        pytest.param("0x10", id="hex"),
        pytest.param(None, id="none"),
        pytest.param([1], id="list"),
        pytest.param(b"1", id="bytes"),
    ],
)
def test_to_decimal_rejects(value):
    with pytest.raises(ValidationFailure) as caught:
        to_decimal(value, field="amount")
    assert caught.value.details == {"amount": ["value_is_not_valid_number"]}


def test_to_decimal_custom_code():
    with pytest.raises(ValidationFailure) as caught:
        to_decimal("x", field="rate", code="invalid_rate")
    assert caught.value.details == {"rate": ["invalid_rate"]}


@pytest.mark.parametrize(
    ("amount", "exponent", "expected"),
    [
        pytest.param(D("2.675"), 2, D("2.68"), id="half-up-not-bankers"),
        pytest.param(D("2.665"), 2, D("2.67"), id="half-up-even-neighbour"),
        pytest.param(D("2.6749999"), 2, D("2.67"), id="below-half"),
        pytest.param(D("0.005"), 2, D("0.01"), id="half-cent-up"),
        pytest.param(D("0.0049"), 2, D("0.00"), id="under-half-cent"),
        pytest.param(D("-2.675"), 2, D("-2.68"), id="negative-away-from-zero"),
        pytest.param(D("17"), 2, D("17.00"), id="integer-gets-scale"),
        pytest.param(D("1234.5"), 0, D("1235"), id="exponent-0-jpy"),
        pytest.param(D("1.23456"), 3, D("1.235"), id="exponent-3-bhd"),
        pytest.param("0.125", 2, D("0.13"), id="string-input"),
    ],
)
def test_round_amount(amount, exponent, expected):
    result = round_amount(amount, exponent)
    assert result == expected
    assert result.as_tuple().exponent == -exponent


def test_round_amount_defaults_to_two_places():
    assert str(round_amount(D("10"))) == "10.00"


@pytest.mark.parametrize("exponent", [-1, 9, 2.0, "2", True, None])
def test_invalid_exponent_is_refused(exponent):
    with pytest.raises(ValidationFailure) as caught:
        round_amount(D("1"), exponent)
    assert caught.value.details == {"currency_exponent": ["invalid_currency_exponent"]}
    with pytest.raises(ValidationFailure):
        check_exponent(exponent)


def test_round_amount_out_of_context_range():
    with pytest.raises(ValidationFailure) as caught:
        round_amount(D("1E+40"), 2)
    assert caught.value.details == {"amount": ["amount_out_of_range"]}


@pytest.mark.parametrize(
    ("amount", "exponent", "cents"),
    [
        pytest.param("12.34", 2, 1234, id="exact"),
        pytest.param("12.345", 2, 1235, id="rounds-half-up"),
        pytest.param(D("0"), 2, 0, id="zero"),
        pytest.param(1500, 0, 1500, id="jpy"),
        pytest.param("1.0005", 3, 1001, id="three-places"),
        pytest.param(0.1, 2, 10, id="float"),
    ],
)
def test_to_cents(amount, exponent, cents):
    result = to_cents(amount, exponent)
    assert result == cents
    assert type(result) is int


@pytest.mark.parametrize(
    ("cents", "exponent", "amount"),
    [
        pytest.param(1234, 2, "12.34", id="cad"),
        pytest.param(0, 2, "0.00", id="zero-keeps-scale"),
        pytest.param(-5, 2, "-0.05", id="negative"),
        pytest.param(1500, 0, "1500", id="jpy"),
        pytest.param(1001, 3, "1.001", id="three-places"),
    ],
)
def test_from_cents(cents, exponent, amount):
    assert str(from_cents(cents, exponent)) == amount


@pytest.mark.parametrize("cents", [12.5, "12", True, None])
def test_from_cents_refuses_non_int(cents):
    with pytest.raises(ValidationFailure) as caught:
        from_cents(cents)
    assert caught.value.details == {"amount_cents": ["invalid_amount"]}


def test_cents_round_trip():
    for cents in (0, 1, 99, 100, 123456789):
        assert to_cents(from_cents(cents)) == cents


def test_quantum():
    assert quantum() == D("0.01")
    assert quantum(0) == D("1")
    assert quantum(3) == D("0.001")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("1E+3"), "1000"),
        (D("0.50"), "0.50"),
        (D("1E-7"), "0.0000001"),
        (D("-0.5"), "-0.5"),
        (None, None),
    ],
)
def test_decimal_str_never_uses_exponents(value, text):
    assert decimal_str(value) == text
