# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Standard pricing: units x amount (Lago's standard_service)."""

from decimal import Decimal

import pytest

from engine.errors import ValidationFailure
from engine.pricing import build, price

D = Decimal


@pytest.mark.parametrize(
    ("amount", "units", "expected"),
    [
        pytest.param("5.12345", 10, D("51.2345"), id="lago-spec-unrounded"),
        pytest.param("10", 10, D("100"), id="lago-spec-fixed-charge"),
        pytest.param("0.5", 0, D("0"), id="zero-units"),
        pytest.param("0.5", "2.5", D("1.25"), id="fractional-units"),
        pytest.param("0", 1000, D("0"), id="free-price"),
        pytest.param(0.1, 3, D("0.3"), id="float-price-via-str"),
        pytest.param(2, 7, D("14"), id="int-price"),
        pytest.param("0.0125", 123456, D("1543.2"), id="sub-cent-price"),
    ],
)
def test_standard_amount(amount, units, expected):
    assert price("standard", {"amount": amount}, units) == expected


def test_standard_amount_is_unrounded():
    assert price("standard", {"amount": "0.333"}, 1) == D("0.333")


def test_standard_breakdown():
    model = build("standard", {"amount": "0.25"})
    amount, detail = model.apply(D("12"))
    assert amount == D("3.00")
    assert model.details(D("12"), detail) == {
        "units": "12",
        "per_unit_amount": "0.25",
        "per_unit_total_amount": "3.00",
    }


@pytest.mark.parametrize("units", [-1, "-0.01", D("-5")])
def test_standard_refuses_negative_units(units):
    with pytest.raises(ValidationFailure) as caught:
        price("standard", {"amount": "1"}, units)
    assert caught.value.details == {"units": ["negative_units"]}


@pytest.mark.parametrize("units", ["ten", None, True, float("nan")])
def test_standard_refuses_non_numeric_units(units):
    with pytest.raises(ValidationFailure) as caught:
        price("standard", {"amount": "1"}, units)
    assert caught.value.details == {"units": ["value_is_not_valid_number"]}
