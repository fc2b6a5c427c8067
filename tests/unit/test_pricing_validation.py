# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""validate(model, properties): every problem, with stable codes, before one raise."""

from decimal import Decimal

import pytest

from engine.errors import ValidationFailure
from engine.pricing import MODELS, build, price, validate

D = Decimal


def rng(f, t, unit="1", flat="0", **extra):
    return {"from_value": f, "to_value": t, "per_unit_amount": unit, "flat_amount": flat,
            **extra}


def grad(*ranges):
    return {"graduated_ranges": list(ranges)}


def vol(*ranges):
    return {"volume_ranges": list(ranges)}


INVALID = [
    # --- model and keys
    ("tiered", {"amount": "1"}, {"charge_model": ["unknown_charge_model"]}),
    (None, {"amount": "1"}, {"charge_model": ["unknown_charge_model"]}),
    (["standard"], {}, {"charge_model": ["unknown_charge_model"]}),
    ("standard", ["amount", "1"], {"properties": ["invalid_type"]}),
    ("standard", None, {"properties": ["invalid_type"]}),
    ("standard", {"amount": "1", "colour": "red"}, {"colour": ["unknown_property"]}),
    ("standard", {"amount": "1", "package_size": 10}, {"package_size": ["unknown_property"]}),
    ("standard", {"amount": "1", "pricing_group_keys": ["region"]},
     {"pricing_group_keys": ["unsupported_property"]}),
    ("standard", {"amount": "1", "grouped_by": ["region"]},
     {"grouped_by": ["unsupported_property"]}),
    ("percentage", {"rate": "1", "per_transaction_max_amount": "12"},
     {"per_transaction_max_amount": ["unsupported_property"]}),
    ("percentage", {"rate": "1", "per_transaction_min_amount": "1"},
     {"per_transaction_min_amount": ["unsupported_property"]}),
    # --- amounts (Lago's invalid_amount)
    ("standard", {}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": None}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": "-1"}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": -0.5}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": "abc"}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": "NaN"}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": "Infinity"}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": float("inf")}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": True}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": "1_0"}, {"amount": ["invalid_amount"]}),
    ("standard", {"amount": ["1"]}, {"amount": ["invalid_amount"]}),
    # --- graduated ranges
    ("graduated", {}, {"graduated_ranges": ["missing_graduated_ranges"]}),
    ("graduated", grad(), {"graduated_ranges": ["missing_graduated_ranges"]}),
    ("graduated", {"graduated_ranges": {"from_value": 0}},
     {"graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(-1, None)),
     {"graduated_ranges.0.from_value": ["invalid_value"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(1, None)),
     {"graduated_ranges.0.from_value": ["must_start_at_zero"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, 100)),
     {"graduated_ranges.0.to_value": ["last_range_must_be_open"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, None), rng(10, None)),
     {"graduated_ranges.0.to_value": ["missing_to_value"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, 100), rng(120, None)),
     {"graduated_ranges.1.from_value": ["range_gap"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, 100), rng(90, None)),
     {"graduated_ranges.1.from_value": ["range_overlap"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, "0.1"), rng("0.5", None)),
     {"graduated_ranges.1.from_value": ["range_gap"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, 10), rng("10.5", None)),
     {"graduated_ranges.1.from_value": ["range_gap"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, 10), rng(11, 11), rng(12, None)),
     {"graduated_ranges.1.to_value": ["to_value_must_exceed_from_value"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, 0), rng(0, None)),
     {"graduated_ranges.0.to_value": ["to_value_must_exceed_from_value"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(None, None)),
     {"graduated_ranges.0.from_value": ["value_is_mandatory"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, "ten"), rng(11, None)),
     {"graduated_ranges.0.to_value": ["invalid_value"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad("0-10"),
     {"graduated_ranges.0": ["invalid_type"],
      "graduated_ranges": ["invalid_graduated_ranges"]}),
    ("graduated", grad(rng(0, None, unit=None)),
     {"graduated_ranges.0.per_unit_amount": ["invalid_amount"]}),
    ("graduated", grad(rng(0, None, unit="foo")),
     {"graduated_ranges.0.per_unit_amount": ["invalid_amount"]}),
    ("graduated", grad(rng(0, None, unit="-2")),
     {"graduated_ranges.0.per_unit_amount": ["invalid_amount"]}),
    ("graduated", grad(rng(0, None, flat=None)),
     {"graduated_ranges.0.flat_amount": ["invalid_amount"]}),
    ("graduated", grad(rng(0, None, flat="-2")),
     {"graduated_ranges.0.flat_amount": ["invalid_amount"]}),
    ("graduated", grad(rng(0, None, rate="1")),
     {"graduated_ranges.0.rate": ["unknown_property"]}),
    # --- volume ranges (same rules, volume codes)
    ("volume", {"volume_ranges": None}, {"volume_ranges": ["missing_volume_ranges"]}),
    ("volume", vol(), {"volume_ranges": ["missing_volume_ranges"]}),
    ("volume", {"volume_ranges": "0-10"}, {"volume_ranges": ["invalid_volume_ranges"]}),
    ("volume", vol(rng(0, 100), rng(102, None)),
     {"volume_ranges.1.from_value": ["range_gap"],
      "volume_ranges": ["invalid_volume_ranges"]}),
    ("volume", vol(rng(0, 100), rng(50, None)),
     {"volume_ranges.1.from_value": ["range_overlap"],
      "volume_ranges": ["invalid_volume_ranges"]}),
    ("volume", vol(rng(0, 100), rng(101, 200)),
     {"volume_ranges.1.to_value": ["last_range_must_be_open"],
      "volume_ranges": ["invalid_volume_ranges"]}),
    ("volume", vol(rng(5, None)),
     {"volume_ranges.0.from_value": ["must_start_at_zero"],
      "volume_ranges": ["invalid_volume_ranges"]}),
    ("volume", vol(rng(0, None, flat="x")), {"volume_ranges.0.flat_amount": ["invalid_amount"]}),
    # --- package
    ("package", {"amount": "1", "package_size": 0}, {"package_size": ["invalid_package_size"]}),
    ("package", {"amount": "1", "package_size": -10},
     {"package_size": ["invalid_package_size"]}),
    ("package", {"amount": "1", "package_size": 10.5},
     {"package_size": ["invalid_package_size"]}),
    ("package", {"amount": "1", "package_size": "2.5"},
     {"package_size": ["invalid_package_size"]}),
    ("package", {"amount": "1", "package_size": True},
     {"package_size": ["invalid_package_size"]}),
    ("package", {"amount": "1"}, {"package_size": ["invalid_package_size"]}),
    ("package", {"amount": "1", "package_size": 10, "free_units": -1},
     {"free_units": ["invalid_free_units"]}),
    ("package", {"amount": "1", "package_size": 10, "free_units": "1.5"},
     {"free_units": ["invalid_free_units"]}),
    ("package", {"amount": "-1", "package_size": 10}, {"amount": ["invalid_amount"]}),
    # --- percentage
    ("percentage", {}, {"rate": ["invalid_rate"]}),
    ("percentage", {"rate": "-1"}, {"rate": ["invalid_rate"]}),
    ("percentage", {"rate": "x"}, {"rate": ["invalid_rate"]}),
    ("percentage", {"rate": "1", "fixed_amount": "-0.1"},
     {"fixed_amount": ["invalid_fixed_amount"]}),
    ("percentage", {"rate": "1", "fixed_amount": "x"},
     {"fixed_amount": ["invalid_fixed_amount"]}),
    ("percentage", {"rate": "1", "free_units_per_events": 0},
     {"free_units_per_events": ["invalid_free_units_per_events"]}),
    ("percentage", {"rate": "1", "free_units_per_events": 1.5},
     {"free_units_per_events": ["invalid_free_units_per_events"]}),
    ("percentage", {"rate": "1", "free_units_per_total_aggregation": "-5"},
     {"free_units_per_total_aggregation": ["invalid_free_units_per_total_aggregation"]}),
    ("percentage", {"rate": "1", "free_units_per_total_aggregation": "lots"},
     {"free_units_per_total_aggregation": ["invalid_free_units_per_total_aggregation"]}),
]


@pytest.mark.parametrize(
    ("model", "properties", "details"), INVALID,
    ids=[f"{i}-{case[0]}-{'-'.join(sorted(case[2]))}" for i, case in enumerate(INVALID)],
)
def test_invalid_properties_are_refused_with_stable_codes(model, properties, details):
    with pytest.raises(ValidationFailure) as caught:
        validate(model, properties)
    assert caught.value.details == details
    assert isinstance(caught.value, ValueError)
    # price() and build() refuse the same properties the same way.
    with pytest.raises(ValidationFailure) as again:
        price(model, properties, 1)
    assert again.value.details == details
    with pytest.raises(ValidationFailure):
        build(model, properties)


def test_every_problem_is_collected_before_raising():
    with pytest.raises(ValidationFailure) as caught:
        validate("graduated", {
            "graduated_ranges": [
                {"from_value": 1, "to_value": 10, "per_unit_amount": "-1", "flat_amount": "x"},
                {"from_value": 12, "to_value": 5, "per_unit_amount": "1", "flat_amount": "0",
                 "colour": "red"},
                {"from_value": 5, "to_value": 30, "per_unit_amount": "1", "flat_amount": "0"},
            ],
            "amount": "1",
        })
    assert caught.value.details == {
        "amount": ["unknown_property"],
        "graduated_ranges.0.per_unit_amount": ["invalid_amount"],
        "graduated_ranges.0.flat_amount": ["invalid_amount"],
        "graduated_ranges.1.colour": ["unknown_property"],
        "graduated_ranges.0.from_value": ["must_start_at_zero"],
        "graduated_ranges.1.from_value": ["range_gap"],
        "graduated_ranges.1.to_value": ["to_value_must_exceed_from_value"],
        "graduated_ranges.2.to_value": ["last_range_must_be_open"],
        "graduated_ranges": ["invalid_graduated_ranges"],
    }


def test_package_collects_all_three_fields():
    with pytest.raises(ValidationFailure) as caught:
        validate("package", {"amount": "x", "package_size": 0, "free_units": -1})
    assert caught.value.details == {
        "amount": ["invalid_amount"],
        "package_size": ["invalid_package_size"],
        "free_units": ["invalid_free_units"],
    }


VALID = [
    ("standard", {"amount": "0.5"}, {"amount": D("0.5")}),
    ("standard", {"amount": 0.1}, {"amount": D("0.1")}),
    ("standard", {"amount": 3}, {"amount": D(3)}),
    ("standard", {"amount": "1", "pricing_group_keys": [], "grouped_by": None,
                  "presentation_group_keys": []}, {"amount": D(1)}),
    ("package", {"amount": "30", "package_size": 1000, "free_units": 100},
     {"amount": D(30), "package_size": 1000, "free_units": 100}),
    ("package", {"amount": "30", "package_size": "1000", "free_units": 100.0},
     {"amount": D(30), "package_size": 1000, "free_units": 100}),
    ("package", {"amount": "30", "package_size": 10},
     {"amount": D(30), "package_size": 10, "free_units": 0}),
    ("percentage", {"rate": "1.3"},
     {"rate": D("1.3"), "fixed_amount": None, "free_units_per_events": None,
      "free_units_per_total_aggregation": None}),
    ("percentage", {"rate": "1.3", "fixed_amount": "2.0", "free_units_per_events": 3,
                    "free_units_per_total_aggregation": "250.0"},
     {"rate": D("1.3"), "fixed_amount": D("2.0"), "free_units_per_events": 3,
      "free_units_per_total_aggregation": D("250.0")}),
    ("graduated", grad(rng(0, 10, "0.5", "10"), rng(11, None, "0.4", "0")),
     {"graduated_ranges": [
         {"from_value": D(0), "to_value": D(10), "per_unit_amount": D("0.5"),
          "flat_amount": D(10)},
         {"from_value": D(11), "to_value": None, "per_unit_amount": D("0.4"),
          "flat_amount": D(0)}]}),
    ("graduated", grad(rng(0, "0.01", "0", "0"), rng("0.01", 10), rng(11, None)),
     None),  # mixed styles are valid (Lago's own zero-tier example)
    ("volume", vol(rng(0, 100), rng(100, None)), None),  # adjacent style accepted for volume
    ("volume", vol(rng(0, 100), rng(101, None)), None),
    ("graduated", grad(rng(0, None)), None),  # a single open range
]


@pytest.mark.parametrize(("model", "properties", "expected"), VALID,
                         ids=[f"{i}-{case[0]}" for i, case in enumerate(VALID)])
def test_valid_properties_are_normalised(model, properties, expected):
    normalised = validate(model, properties)
    if expected is not None:
        assert normalised == expected
    for value in normalised.values():
        assert not isinstance(value, (float, str))


def test_registry_covers_the_five_models():
    assert sorted(MODELS) == ["graduated", "package", "percentage", "standard", "volume"]
