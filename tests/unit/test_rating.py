# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""rate(): included quantity, one half-up rounding, cents, breakdown, Charge building."""

import dataclasses
import json
from decimal import Decimal

import pytest

from engine.errors import ValidationFailure
from engine.rating import Charge, Rating, rate

D = Decimal

GRADUATED = {"graduated_ranges": [
    {"from_value": 0, "to_value": 10, "per_unit_amount": "0.5", "flat_amount": "10"},
    {"from_value": 11, "to_value": None, "per_unit_amount": "0.4", "flat_amount": "0"},
]}
VOLUME = {"volume_ranges": [
    {"from_value": 0, "to_value": 100, "per_unit_amount": "2", "flat_amount": "10"},
    {"from_value": 101, "to_value": None, "per_unit_amount": "1", "flat_amount": "0"},
]}
PACKAGE = {"amount": "30", "package_size": 1000, "free_units": 100}


@pytest.mark.parametrize(
    ("model", "properties", "included", "quantity", "billable", "precise", "amount", "cents"),
    [
        pytest.param("standard", {"amount": "0.0125"}, "1000", "1500", D(500), D("6.25"),
                     D("6.25"), 625, id="standard-overage"),
        pytest.param("standard", {"amount": "0.0125"}, "1000", "999", D(0), D(0),
                     D("0.00"), 0, id="standard-under-included"),
        pytest.param("standard", {"amount": "0.0125"}, "1000", "1000", D(0), D(0),
                     D("0.00"), 0, id="standard-exactly-included"),
        pytest.param("standard", {"amount": "0.005"}, 0, 1, D(1), D("0.005"),
                     D("0.01"), 1, id="half-cent-rounds-up"),
        pytest.param("standard", {"amount": "0.0049"}, 0, 1, D(1), D("0.0049"),
                     D("0.00"), 0, id="below-half-cent-rounds-down"),
        pytest.param("standard", {"amount": "0.333"}, 0, 3, D(3), D("0.999"),
                     D("1.00"), 100, id="rounded-once-at-the-total"),
        pytest.param("graduated", GRADUATED, 0, 15, D(15), D(17), D("17.00"), 1700,
                     id="graduated-docs-17"),
        pytest.param("graduated", GRADUATED, 5, 20, D(15), D(17), D("17.00"), 1700,
                     id="graduated-after-included"),
        pytest.param("graduated", GRADUATED, 50, 20, D(0), D(10), D("10.00"), 1000,
                     id="graduated-first-flat-even-when-all-included"),
        pytest.param("volume", VOLUME, 0, "100.5", D("100.5"), D("100.5"), D("100.50"),
                     10050, id="volume-fraction"),
        pytest.param("package", PACKAGE, 0, 2500, D(2500), D(90), D("90.00"), 9000,
                     id="package-docs-90"),
        pytest.param("package", PACKAGE, 400, 2500, D(2100), D(60), D("60.00"), 6000,
                     id="package-included-then-free-units"),
        pytest.param("percentage", {"rate": "2.9"}, 0, 4, D(4), D("0.116"), D("0.12"), 12,
                     id="percentage-rounded"),
        pytest.param("standard", {"amount": 0.1}, 0, 0.3, D("0.3"), D("0.03"), D("0.03"), 3,
                     id="floats-through-str"),
    ],
)
def test_rate(model, properties, included, quantity, billable, precise, amount, cents):
    charge = Charge.build(model, properties, included_quantity=included)
    result = rate(charge, quantity)
    assert result.units == D(str(quantity))
    assert result.billable_units == billable
    assert result.included_units == result.units - billable
    assert result.precise_amount == precise
    assert result.amount == amount
    assert str(result.amount) == str(amount)  # two decimals, always
    assert result.amount_cents == cents
    assert type(result.amount_cents) is int


@pytest.mark.parametrize(
    ("exponent", "amount", "cents"),
    [(0, "1235", 1235), (2, "1234.57", 123457), (3, "1234.568", 1234568)],
)
def test_rate_rounds_to_the_currency_exponent(exponent, amount, cents):
    charge = Charge.build("standard", {"amount": "1234.5675"}, currency_exponent=exponent)
    result = rate(charge, 1)
    assert str(result.amount) == amount
    assert result.amount_cents == cents
    assert result.precise_amount == D("1234.5675")


def test_rating_breakdown_and_as_dict_are_json_ready():
    charge = Charge.build("graduated", GRADUATED, included_quantity="2")
    result = rate(charge, 17)
    assert result.breakdown == {"graduated_ranges": [
        {"from_value": "0", "to_value": "10", "units": "10", "per_unit_amount": "0.5",
         "flat_unit_amount": "10", "per_unit_total_amount": "5.0",
         "total_with_flat_amount": "15.0"},
        {"from_value": "11", "to_value": None, "units": "5", "per_unit_amount": "0.4",
         "flat_unit_amount": "0", "per_unit_total_amount": "2.0",
         "total_with_flat_amount": "2.0"},
    ]}
    body = result.as_dict()
    assert body == {
        "charge_model": "graduated", "units": "17", "included_units": "2",
        "billable_units": "15", "precise_amount": "17.0", "amount": "17.00",
        "amount_cents": 1700, "amount_details": result.breakdown,
    }
    assert json.loads(json.dumps(body)) == body


@pytest.mark.parametrize(
    ("model", "properties", "keys"),
    [
        ("standard", {"amount": "1"}, {"units", "per_unit_amount", "per_unit_total_amount"}),
        ("volume", VOLUME, {"from_value", "to_value", "units", "per_unit_amount",
                            "flat_unit_amount", "per_unit_total_amount",
                            "total_with_flat_amount"}),
        ("package", PACKAGE, {"units", "free_units", "paid_units", "per_package_size",
                              "per_package_unit_amount", "packages"}),
        ("percentage", {"rate": "1"}, {"units", "free_units", "paid_units", "rate",
                                       "per_unit_total_amount", "free_events", "paid_events",
                                       "fixed_fee_unit_amount", "fixed_fee_total_amount"}),
    ],
)
def test_every_model_has_a_string_breakdown(model, properties, keys):
    details = rate(Charge.build(model, properties), 2500).breakdown
    assert set(details) == keys
    assert all(value is None or isinstance(value, str) for value in details.values())


def test_package_breakdown_in_a_rating():
    details = rate(Charge.build("package", PACKAGE), 2500).breakdown
    assert details == {"units": "2500", "free_units": "100", "paid_units": "2400",
                       "per_package_size": "1000", "per_package_unit_amount": "30",
                       "packages": "3"}


# --- percentage with an included quantity: it is consumed by the earliest events.
PCT = {"rate": "1", "fixed_amount": "0.25"}


@pytest.mark.parametrize(
    ("included", "events", "amount", "paid_events"),
    [
        pytest.param(0, [60, 60, 0, 180], D("4.00"), "4", id="nothing-included"),
        pytest.param(100, [60, 60, 0, 180], D("2.75"), "3",
                     id="first-event-wholly-included-second-crosses"),
        pytest.param(120, [60, 60, 0, 180], D("2.30"), "2",
                     id="exactly-two-events-included-zero-after-counts"),
        pytest.param(300, [60, 60, 0, 180], D("0.00"), None, id="all-included"),
        pytest.param(500, [60, 60, 0, 180], D("0.00"), None, id="more-than-all"),
    ],
)
def test_percentage_included_quantity_consumes_earliest_events(included, events, amount,
                                                                 paid_events):
    charge = Charge.build("percentage", PCT, included_quantity=included)
    result = rate(charge, 300, events=events)
    assert result.amount == amount
    assert result.billable_units == max(D(0), D(300) - D(included))
    if paid_events is not None:
        assert result.breakdown["paid_events"] == paid_events


def test_percentage_included_then_lago_free_units():
    charge = Charge.build("percentage", {"rate": "1", "fixed_amount": "1",
                                         "free_units_per_events": 1}, included_quantity=50)
    # events after the included 50: [10, 100]; the first of those is Lago's free event.
    result = rate(charge, 160, events=[60, 100])
    assert result.precise_amount == D("2")  # 100 x 1% + 1 paid event x 1
    assert result.breakdown["free_units"] == "10"


def test_percentage_fixed_fee_without_events_is_refused():
    with pytest.raises(ValidationFailure) as caught:
        rate(Charge.build("percentage", PCT), 10)
    assert caught.value.details == {"events": ["events_required"]}


@pytest.mark.parametrize(
    ("quantity", "details"),
    [
        ("-1", {"quantity": ["negative_quantity"]}),
        ("lots", {"quantity": ["value_is_not_valid_number"]}),
        (None, {"quantity": ["value_is_not_valid_number"]}),
        (float("nan"), {"quantity": ["value_is_not_valid_number"]}),
    ],
)
def test_rate_refuses_bad_quantities(quantity, details):
    with pytest.raises(ValidationFailure) as caught:
        rate(Charge.build("standard", {"amount": "1"}), quantity)
    assert caught.value.details == details


def test_charge_collects_every_problem():
    with pytest.raises(ValidationFailure) as caught:
        Charge.build("standard", {"amount": "-1", "colour": 1}, included_quantity="-5",
                     currency_exponent=-1)
    assert caught.value.details == {
        "colour": ["unknown_property"],
        "amount": ["invalid_amount"],
        "included_quantity": ["invalid_included_quantity"],
        "currency_exponent": ["invalid_currency_exponent"],
    }


def test_charge_with_unknown_model():
    with pytest.raises(ValidationFailure) as caught:
        Charge.build("dynamic", {}, included_quantity="x")
    assert caught.value.details == {
        "charge_model": ["unknown_charge_model"],
        "included_quantity": ["invalid_included_quantity"],
    }


def test_charge_is_frozen_and_normalised():
    charge = Charge("package", {"amount": "30", "package_size": "1000"}, "100")
    assert charge.properties == {"amount": D(30), "package_size": 1000, "free_units": 0}
    assert charge.included_quantity == D(100)
    assert charge.currency_exponent == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        charge.included_quantity = D(0)


def test_charge_equality_ignores_the_compiled_pricer():
    first = Charge.build("standard", {"amount": "1.0"})
    second = Charge.build("standard", {"amount": "1.0"})
    assert first == second
    assert first.pricer is not second.pricer


def test_rating_is_an_immutable_tuple():
    result = rate(Charge.build("standard", {"amount": "1"}), 3)
    assert isinstance(result, Rating)
    with pytest.raises(AttributeError):
        result.amount = D(0)
