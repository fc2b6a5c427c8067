# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Volume pricing: Lago's volume_service, spec and docs examples, boundaries."""

from decimal import Decimal

import pytest

from engine.pricing import build, price

D = Decimal


def tiers(*rows):
    """``(from, to, per_unit, flat)`` rows -> Lago's ``volume_ranges``."""
    return {
        "volume_ranges": [
            {"from_value": f, "to_value": t, "per_unit_amount": u, "flat_amount": a}
            for f, t, u, a in rows
        ]
    }


# lago-api spec/services/charge_models/volume_service_spec.rb
LAGO_SPEC = tiers((0, 100, "2", "10"), (101, 200, "1", "0"), (201, None, "0.5", "50"))
LAGO_SPEC_ADJACENT = tiers((0, 100, "2", "10"), (100, 200, "1", "0"), (200, None, "0.5", "50"))
# Same spec, "when first tier flat amount is zero".
ZERO_FIRST_TIER = tiers((0, 1, "0", "0"), (2, 100, "2", "10"), (101, None, "0.5", "50"))
# Lago docs: 65,000 API calls -> 65,000 x $0.0006 + $10 = $49.
LAGO_DOCS = tiers(
    (0, 10000, "0.0010", "10"), (10001, 50000, "0.0008", "10"),
    (50001, 100000, "0.0006", "10"), (100001, None, "0.0004", "10"),
)


@pytest.mark.parametrize(
    ("properties", "units", "expected"),
    [
        pytest.param(LAGO_SPEC, 0, D("10"), id="spec-0-units-first-flat-billed"),
        pytest.param(LAGO_SPEC, 1, D("12"), id="spec-1"),
        pytest.param(LAGO_SPEC, 100, D("210"), id="spec-on-first-limit"),
        pytest.param(LAGO_SPEC, "100.5", D("100.5"), id="spec-between-100-and-101"),
        pytest.param(LAGO_SPEC, 101, D("101"), id="spec-second-lower-limit"),
        pytest.param(LAGO_SPEC, 200, D("200"), id="spec-second-upper-limit"),
        pytest.param(LAGO_SPEC, 210, D("155"), id="spec-fixed-charge-210"),
        pytest.param(LAGO_SPEC, 300, D("200"), id="spec-last-range"),
        pytest.param(LAGO_SPEC_ADJACENT, 100, D("210"), id="adjacent-on-limit-stays"),
        pytest.param(LAGO_SPEC_ADJACENT, "100.5", D("100.5"), id="adjacent-just-above"),
        pytest.param(LAGO_SPEC_ADJACENT, "200.5", D("150.25"), id="adjacent-last"),
        pytest.param(ZERO_FIRST_TIER, 0, D("0"), id="zero-tier-0"),
        pytest.param(ZERO_FIRST_TIER, 1, D("0"), id="zero-tier-1"),
        pytest.param(ZERO_FIRST_TIER, "1.5", D("13"), id="zero-tier-fraction-goes-up"),
        pytest.param(ZERO_FIRST_TIER, 2, D("14"), id="zero-tier-2"),
        pytest.param(LAGO_DOCS, 65000, D("49"), id="docs-65000-is-49"),
        pytest.param(LAGO_DOCS, 10000, D("20"), id="docs-10000"),
        pytest.param(LAGO_DOCS, 10001, D("18.0008"), id="docs-10001-cheaper"),
        pytest.param(tiers((0, None, "3", "0")), "2.5", D("7.5"), id="single-open-tier"),
    ],
)
def test_volume_amount(properties, units, expected):
    assert price("volume", properties, units) == expected


def test_volume_breakdown_names_the_one_tier():
    model = build("volume", LAGO_SPEC)
    amount, detail = model.apply(D(300))
    assert amount == D(200)
    assert model.details(D(300), detail) == {
        "from_value": "201", "to_value": None, "units": "300", "per_unit_amount": "0.5",
        "flat_unit_amount": "50", "per_unit_total_amount": "150.0",
        "total_with_flat_amount": "200.0",
    }


def test_volume_breakdown_at_zero_units():
    model = build("volume", LAGO_SPEC)
    amount, detail = model.apply(D(0))
    assert amount == D(10)
    assert model.details(D(0), detail) == {
        "from_value": "0", "to_value": "100", "units": "0", "per_unit_amount": "0",
        "flat_unit_amount": "10", "per_unit_total_amount": "0",
        "total_with_flat_amount": "10",
    }
