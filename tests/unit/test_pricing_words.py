# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Pricing in plain words: the one-line summary and the priced preview."""

from decimal import Decimal

import pytest

from engine.errors import ValidationFailure
from engine.pricing.words import even_events, money, preview, quantity, summary, units
from engine.rating import Charge

D = Decimal

GRADUATED = {"graduated_ranges": [
    {"from_value": 0, "to_value": 10, "per_unit_amount": "1", "flat_amount": "2"},
    {"from_value": 10, "to_value": None, "per_unit_amount": "0.5", "flat_amount": "0"}]}
VOLUME = {"volume_ranges": [
    {"from_value": 0, "to_value": 4, "per_unit_amount": "8", "flat_amount": "0"},
    {"from_value": 4, "to_value": None, "per_unit_amount": "6", "flat_amount": "10"}]}


@pytest.mark.parametrize(("value", "expected"), [
    ("0.5", "CAD 0.50"), ("1234.5", "CAD 1,234.50"), ("0.0005", "CAD 0.0005"),
    (0, "CAD 0.00"), ("10.000", "CAD 10.00"),
])
def test_money_shows_the_currency_s_decimals_or_more(value, expected):
    assert money(value) == expected


def test_money_in_another_currency():
    assert money("5", "JPY", 0) == "JPY 5"


@pytest.mark.parametrize(("value", "expected"), [
    ("1.000000", "1"), ("1250", "1,250"), ("2.50", "2.5"), (0, "0"), ("1E+3", "1,000"),
])
def test_quantity_shows_the_digits_it_needs(value, expected):
    assert quantity(value) == expected


@pytest.mark.parametrize(("unit", "count", "expected"), [
    ("call", 1, "call"), ("call", 2, "calls"), ("API call", None, "API calls"),
    ("GB", 5, "GB"), ("", 1, "unit"), (None, 3, "units"), ("seats", 2, "seats"),
])
def test_units(unit, count, expected):
    assert units(unit, count) == expected


@pytest.mark.parametrize(("model", "properties", "included", "unit", "expected"), [
    pytest.param("standard", {"amount": "0.5"}, "10", "call",
                 "First 10 calls free, then CAD 0.50 per call", id="standard-included"),
    pytest.param("standard", {"amount": "0.0005"}, 0, None, "CAD 0.0005 per unit",
                 id="standard-sub-cent"),
    pytest.param("graduated", GRADUATED, 0, "call",
                 "Each tier priced on its own, up to 10 calls: CAD 1.00 per call plus "
                 "CAD 2.00; over 10 calls: CAD 0.50 per call", id="graduated"),
    pytest.param("volume", VOLUME, 0, "vCPU",
                 "Every unit at the price of the tier the total reaches, up to 4 vCPU: "
                 "CAD 8.00 per vCPU; over 4 vCPU: CAD 6.00 per vCPU plus CAD 10.00",
                 id="volume"),
    pytest.param("package", {"amount": "25", "package_size": 10, "free_units": 5}, 0, "user",
                 "CAD 25.00 per started pack of 10 users, first 5 users free", id="package"),
    pytest.param("percentage", {"rate": "2.9", "fixed_amount": "0.30",
                                "free_units_per_events": 3}, 0, None,
                 "2.9% of the total plus CAD 0.30 per event, first 3 events free",
                 id="percentage"),
])
def test_summary(model, properties, included, unit, expected):
    assert summary(model, properties, included=included, unit=unit) == expected


def test_summary_of_invalid_properties_raises_their_problems():
    with pytest.raises(ValidationFailure) as caught:
        summary("graduated", {"graduated_ranges": []})
    assert caught.value.codes == ["missing_graduated_ranges"]


def test_preview_of_a_graduated_charge_adds_up_to_the_rating():
    result = preview(Charge.build("graduated", GRADUATED), "15", unit="call")
    assert result.rating.amount == D("14.50")
    assert result.lines == [("up to 10 calls: 10 x CAD 1.00 + CAD 2.00 flat", D(12)),
                            ("over 10 calls: 5 x CAD 0.50", D("2.5"))]
    assert sum(value for _words, value in result.lines) == result.rating.precise_amount


@pytest.mark.parametrize(("model", "properties", "included", "amount", "events", "total"), [
    ("standard", {"amount": "0.5"}, "10", "15", None, D("2.50")),
    ("volume", VOLUME, "2", "7", None, D("40.00")),
    ("package", {"amount": "25", "package_size": 10, "free_units": 5}, 0, "27", None,
     D("75.00")),
    ("percentage", {"rate": "2.9", "fixed_amount": "0.30"}, 0, "100", 3, D("3.80")),
    ("percentage", {"rate": "10", "free_units_per_events": 1, "fixed_amount": "1"}, 0, "90",
     3, D("8.00")),
])
def test_preview_lines_add_up_to_the_precise_amount(model, properties, included, amount,
                                                    events, total):
    charge = Charge.build(model, properties, included_quantity=included)
    result = preview(charge, amount, events=events)
    assert result.rating.amount == total
    assert sum(value for _words, value in result.lines) == result.rating.precise_amount


def test_preview_shows_the_included_units_first():
    result = preview(Charge.build("standard", {"amount": "1"}, included_quantity="10"), 4)
    assert result.lines[0] == ("4 units included", 0)


@pytest.mark.parametrize("count", [0, -1, "1.5", "x"])
def test_even_events_needs_a_whole_count(count):
    with pytest.raises(ValidationFailure):
        even_events(10, count)


def test_even_events_keep_the_total():
    assert even_events(D(10), 3) == (D("3.333333"), D("3.333333"), D("3.333334"))
    assert sum(even_events(D(10), 3)) == 10
    assert even_events(0, 2) == (0, 0)


def test_preview_refuses_a_negative_quantity():
    with pytest.raises(ValidationFailure) as caught:
        preview(Charge.build("standard", {"amount": "1"}), -1)
    assert caught.value.codes == ["negative_quantity"]
