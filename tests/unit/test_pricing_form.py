# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The charge form's fields <-> Lago properties, and each model's defaults."""

from decimal import Decimal

import pytest

from engine import pricing
from engine.errors import ValidationFailure
from engine.pricing.form import default_form, form_from_properties, properties_from_form

D = Decimal

ROUND_TRIPS = {
    "standard": {"amount": "0.02"},
    "graduated": {"graduated_ranges": [
        {"from_value": 0, "to_value": 10, "per_unit_amount": "0.5", "flat_amount": "10"},
        {"from_value": 11, "to_value": None, "per_unit_amount": "0.4", "flat_amount": "0"}]},
    "volume": {"volume_ranges": [
        {"from_value": 0, "to_value": "0.5", "per_unit_amount": "2", "flat_amount": "1"},
        {"from_value": "0.5", "to_value": None, "per_unit_amount": "1", "flat_amount": "0"}]},
    "package": {"amount": "30", "package_size": 1000, "free_units": 100},
    "percentage": {"rate": "2.9"},
    "percentage-full": {"rate": "2.9", "fixed_amount": "0.3", "free_units_per_events": 3,
                        "free_units_per_total_aggregation": "500"},
}


@pytest.mark.parametrize("case", sorted(ROUND_TRIPS))
def test_properties_survive_the_form_unchanged(case):
    model, properties = case.split("-")[0], ROUND_TRIPS[case]
    assert properties_from_form(model, form_from_properties(model, properties)) == properties


@pytest.mark.parametrize("model", ["standard", "graduated", "volume", "package", "percentage"])
def test_defaults_of_every_model_are_valid_properties(model):
    properties = properties_from_form(model, default_form(model))
    pricing.validate(model, properties)
    assert pricing.price(model, properties, 10) == 0


def test_defaults_empty_every_other_model_s_fields():
    form = default_form("graduated")
    assert form["amount"] == 0 and form["rate"] == 0 and form["package_size"] == 0
    assert form["tiers"] == [{"from_value": 0, "to_value": None, "per_unit_amount": 0,
                              "flat_amount": 0}]
    assert default_form("package")["package_size"] == 1
    assert default_form("standard")["tiers"] == []


def test_unknown_model_has_no_defaults():
    with pytest.raises(ValidationFailure) as caught:
        default_form("tiered")
    assert caught.value.codes == ["unknown_charge_model"]


def test_form_values_from_odoo_floats_become_exact_strings():
    form = {"amount": 0.1, "tiers": [
        {"from_value": 0.0, "to_value": 10.0, "per_unit_amount": 0.001, "flat_amount": 2.0},
        {"from_value": 10.0, "to_value": 0.0, "per_unit_amount": 0.0005, "flat_amount": 0.0}]}
    assert properties_from_form("standard", form) == {"amount": "0.1"}
    assert properties_from_form("graduated", form) == {"graduated_ranges": [
        {"from_value": 0, "to_value": 10, "per_unit_amount": "0.001", "flat_amount": "2"},
        {"from_value": 10, "to_value": None, "per_unit_amount": "0.0005",
         "flat_amount": "0"}]}


def test_a_zero_to_is_no_upper_limit_and_only_the_last_tier_may_have_none():
    form = {"tiers": [
        {"from_value": 0, "to_value": 0, "per_unit_amount": 1, "flat_amount": 0},
        {"from_value": 10, "to_value": 20, "per_unit_amount": 1, "flat_amount": 0}]}
    with pytest.raises(ValidationFailure) as caught:
        pricing.validate("volume", properties_from_form("volume", form))
    assert caught.value.details["volume_ranges.0.to_value"] == ["missing_to_value"]
    assert caught.value.details["volume_ranges.1.to_value"] == ["last_range_must_be_open"]


def test_percentage_leaves_out_unset_options():
    form = {"rate": D("1.5"), "fixed_amount": D(0), "free_units_per_events": 0,
            "free_units_per_total_aggregation": None}
    assert properties_from_form("percentage", form) == {"rate": "1.5"}


def test_invalid_values_reach_validation_unchanged():
    properties = properties_from_form("package", {"amount": "lots", "package_size": 2.5})
    with pytest.raises(ValidationFailure) as caught:
        pricing.validate("package", properties)
    assert caught.value.details == {"amount": ["invalid_amount"],
                                    "package_size": ["invalid_package_size"]}


def test_form_from_properties_refuses_what_the_fields_cannot_hold():
    with pytest.raises(ValidationFailure) as caught:
        form_from_properties("standard", {"amount": "0.0000001"})
    assert caught.value.details == {"amount": ["too_many_decimals"]}
    with pytest.raises(ValidationFailure) as caught:
        form_from_properties("standard", {"amount": "1", "surprise": "x"})
    assert caught.value.details == {"surprise": ["unknown_property"]}


def test_form_from_properties_gives_decimals_and_open_bounds():
    form = form_from_properties("graduated", ROUND_TRIPS["graduated"])
    assert form["tiers"][1] == {"from_value": D(11), "to_value": None,
                                "per_unit_amount": D("0.4"), "flat_amount": D(0)}
    assert form["amount"] == 0
