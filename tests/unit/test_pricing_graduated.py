# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Graduated pricing: Lago's graduated_service, spec and docs examples, boundaries."""

from decimal import Decimal

import pytest

from engine.pricing import build, price

D = Decimal


def tiers(*rows):
    """``(from, to, per_unit, flat)`` rows -> Lago's ``graduated_ranges``."""
    return {
        "graduated_ranges": [
            {"from_value": f, "to_value": t, "per_unit_amount": u, "flat_amount": a}
            for f, t, u, a in rows
        ]
    }


# lago-api spec/services/charge_models/graduated_service_spec.rb ("+1" style).
LAGO_SPEC = tiers((0, 10, "10", "2"), (11, 20, "5", "3"), (21, None, "5", "3"))
# The same tiers in the adjacent style: every amount must be the same.
LAGO_SPEC_ADJACENT = tiers((0, 10, "10", "2"), (10, 20, "5", "3"), (20, None, "5", "3"))
# Lago docs example: [0-10 @0.5 +10 flat], [11-inf @0.4].
LAGO_DOCS = tiers((0, 10, "0.5", "10"), (11, None, "0.4", "0"))
# Lago docs: $1 for the first 100 calls, $0.50 for the next 100, $0.10 beyond.
LAGO_DOCS_API = tiers((0, 100, "1", "0"), (101, 200, "0.5", "0"), (201, None, "0.1", "0"))
# Lago spec "with decimal adjacent ranges" (lago-api PR #5269).
DECIMAL_ADJACENT = tiers((0, "0.1", "10", "0"), ("0.1", 1, "5", "0"), (1, None, "2", "0"))
# Lago spec "first tier flat amount is zero": the zero tier PR #5760 recommends; it mixes
# an adjacent boundary (0.01) with a "+1" one (10 -> 11).
ZERO_FIRST_TIER = tiers((0, "0.01", "0", "0"), ("0.01", 10, "10", "2"), (11, None, "5", "3"))
# Included quota + overage, the DESIGN's main use.
QUOTA = tiers((0, 1000, "0", "0"), (1001, None, "0.02", "0"))


@pytest.mark.parametrize(
    ("properties", "units", "expected"),
    [
        pytest.param(LAGO_SPEC, 0, D("2"), id="spec-0-units-first-flat-billed"),
        pytest.param(LAGO_SPEC, 1, D("12"), id="spec-1"),
        pytest.param(LAGO_SPEC, 10, D("102"), id="spec-10-on-boundary-one-tier"),
        pytest.param(LAGO_SPEC, 11, D("110"), id="spec-11-second-flat"),
        pytest.param(LAGO_SPEC, 12, D("115"), id="spec-12"),
        pytest.param(LAGO_SPEC, 20, D("155"), id="spec-20-on-second-boundary"),
        pytest.param(LAGO_SPEC, 21, D("163"), id="spec-21-three-tiers"),
        pytest.param(LAGO_SPEC, "10.5", D("107.5"), id="spec-fraction-between-10-and-11"),
        pytest.param(LAGO_SPEC, "20.5", D("160.5"), id="spec-fraction-between-20-and-21"),
        pytest.param(LAGO_SPEC, "0.5", D("7"), id="spec-fraction-first-tier"),
        pytest.param(LAGO_SPEC_ADJACENT, 0, D("2"), id="adjacent-0"),
        pytest.param(LAGO_SPEC_ADJACENT, 10, D("102"), id="adjacent-10-on-boundary"),
        pytest.param(LAGO_SPEC_ADJACENT, 11, D("110"), id="adjacent-11"),
        pytest.param(LAGO_SPEC_ADJACENT, "10.5", D("107.5"), id="adjacent-fraction"),
        pytest.param(LAGO_SPEC_ADJACENT, 21, D("163"), id="adjacent-21"),
        pytest.param(LAGO_DOCS, 15, D("17"), id="docs-15-units-17"),
        pytest.param(LAGO_DOCS, 0, D("10"), id="docs-0-units-flat"),
        pytest.param(LAGO_DOCS, 10, D("15"), id="docs-10"),
        pytest.param(LAGO_DOCS, 11, D("15.4"), id="docs-11"),
        pytest.param(LAGO_DOCS_API, 250, D("155"), id="docs-api-250"),
        pytest.param(LAGO_DOCS_API, 100, D("100"), id="docs-api-100"),
        pytest.param(LAGO_DOCS_API, 101, D("100.5"), id="docs-api-101"),
        pytest.param(DECIMAL_ADJACENT, "0.05", D("0.5"), id="decimal-within-first"),
        pytest.param(DECIMAL_ADJACENT, "0.5", D("3.0"), id="decimal-spans-two"),
        pytest.param(DECIMAL_ADJACENT, "0.1", D("1.0"), id="decimal-on-boundary"),
        pytest.param(DECIMAL_ADJACENT, 1, D("5.5"), id="decimal-on-second-boundary"),
        pytest.param(DECIMAL_ADJACENT, 2, D("7.5"), id="decimal-three-tiers"),
        pytest.param(ZERO_FIRST_TIER, 0, D("0"), id="zero-tier-0-units-no-flat"),
        pytest.param(ZERO_FIRST_TIER, 5, D("51.9"), id="mixed-styles-counts-each-unit-once"),
        pytest.param(ZERO_FIRST_TIER, 10, D("101.9"), id="mixed-styles-10"),
        pytest.param(ZERO_FIRST_TIER, 11, D("109.9"), id="mixed-styles-11"),
        pytest.param(QUOTA, 0, D("0"), id="quota-0"),
        pytest.param(QUOTA, 1000, D("0"), id="quota-exhausted-exactly"),
        pytest.param(QUOTA, 1001, D("0.02"), id="quota-first-overage-unit"),
        pytest.param(QUOTA, 1500, D("10.00"), id="quota-overage"),
        pytest.param(tiers((0, None, "0.3", "1")), 10, D("4"), id="single-open-tier"),
        pytest.param(tiers((0, None, "0.3", "1")), 0, D("1"), id="single-open-tier-0"),
    ],
)
def test_graduated_amount(properties, units, expected):
    assert price("graduated", properties, units) == expected


def test_graduated_breakdown_matches_lago_spec_at_12_units():
    model = build("graduated", LAGO_SPEC)
    amount, detail = model.apply(D(12))
    assert amount == D(115)
    assert model.details(D(12), detail) == {
        "graduated_ranges": [
            {"from_value": "0", "to_value": "10", "units": "10", "per_unit_amount": "10",
             "flat_unit_amount": "2", "per_unit_total_amount": "100",
             "total_with_flat_amount": "102"},
            {"from_value": "11", "to_value": "20", "units": "2", "per_unit_amount": "5",
             "flat_unit_amount": "3", "per_unit_total_amount": "10",
             "total_with_flat_amount": "13"},
        ]
    }


def test_graduated_breakdown_at_zero_units_shows_the_first_flat():
    model = build("graduated", LAGO_SPEC)
    amount, detail = model.apply(D(0))
    assert amount == D(2)
    assert model.details(D(0), detail) == {
        "graduated_ranges": [
            {"from_value": "0", "to_value": "10", "units": "0", "per_unit_amount": "0",
             "flat_unit_amount": "2", "per_unit_total_amount": "0",
             "total_with_flat_amount": "2"},
        ]
    }


def test_graduated_breakdown_last_tier_is_open():
    model = build("graduated", LAGO_SPEC)
    _amount, detail = model.apply(D(21))
    ranges = model.details(D(21), detail)["graduated_ranges"]
    assert [r["units"] for r in ranges] == ["10", "10", "1"]
    assert ranges[-1]["to_value"] is None
    assert sum(D(r["total_with_flat_amount"]) for r in ranges) == D(163)


def test_graduated_breakdown_fraction_between_plus_one_tiers():
    model = build("graduated", LAGO_SPEC)
    _amount, detail = model.apply(D("10.5"))
    ranges = model.details(D("10.5"), detail)["graduated_ranges"]
    assert [r["units"] for r in ranges] == ["10", "0.5"]
