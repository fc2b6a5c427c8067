# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.margin: unit cost, the lowest price per unit of each pricing model, margin %."""

from decimal import Decimal

import pytest

from engine.margin import lowest_unit_price, margin_percent, priced_below_cost, unit_cost

D = Decimal
TIERS = [
    {"from_value": 0, "to_value": 1000, "per_unit_amount": "0.01", "flat_amount": "0"},
    {"from_value": 1000, "to_value": None, "per_unit_amount": "0.005", "flat_amount": "5"},
]


def test_unit_cost():
    assert unit_cost(D("84.00"), D("12000")) == D("0.007")
    assert unit_cost(D("84.00"), None) is None
    assert unit_cost(D("84.00"), D(0)) is None
    assert unit_cost(None, D(5)) is None


@pytest.mark.parametrize("model, properties, price", [
    ("standard", {"amount": "0.002"}, D("0.002")),
    ("package", {"amount": "5", "package_size": 1000, "free_units": 100}, D("0.005")),
    ("graduated", {"graduated_ranges": TIERS}, D("0.005")),
    ("volume", {"volume_ranges": TIERS}, D("0.005")),
    ("percentage", {"rate": "2.5"}, None),
    ("standard", {"amount": "-1"}, None),  # properties that do not validate
    ("nonsense", {}, None),
])
def test_lowest_price_per_unit(model, properties, price):
    assert lowest_unit_price(model, properties) == price


def test_priced_below_cost():
    assert priced_below_cost(D("0.005"), D("0.007"))
    assert not priced_below_cost(D("0.007"), D("0.007"))
    assert not priced_below_cost(None, D("0.007"))
    assert not priced_below_cost(D("0.005"), None)


def test_margin_percent():
    assert margin_percent(D("200"), D("150")) == D(25)
    assert margin_percent(D("100"), D("130")) == D(-30)
    assert margin_percent(D("0"), D("10")) is None
