# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Package pricing: Lago's package_service, spec and docs examples, rounding up."""

from decimal import Decimal

import pytest

from engine.pricing import build, price

D = Decimal


def package(amount, size, free=None):
    properties = {"amount": amount, "package_size": size}
    if free is not None:
        properties["free_units"] = free
    return properties


@pytest.mark.parametrize(
    ("properties", "units", "expected"),
    [
        pytest.param(package("100", 10, 0), 121, D("1300"), id="spec-121-in-10s"),
        pytest.param(package("100", 10, 10), 121, D("1200"), id="spec-10-free"),
        pytest.param(package("100", 10, 200), 121, D("0"), id="spec-free-above-units"),
        pytest.param(package("30", 1000, 100), 2500, D("90"), id="docs-2500-100-free-90"),
        pytest.param(package("5", 100, 100), 201, D("10"), id="docs-201-first-100-free"),
        pytest.param(package("5", 100, 100), 100, D("0"), id="exactly-the-free-units"),
        pytest.param(package("5", 100, 100), 101, D("5"), id="first-paid-unit-opens-a-package"),
        pytest.param(package("5", 100, 100), "100.5", D("5"), id="fraction-after-free-units"),
        pytest.param(package("5", 100, 100), 300, D("10"), id="exactly-two-packages"),
        pytest.param(package("5", 100, 100), "300.01", D("15"), id="just-over-two-packages"),
        pytest.param(package("100", 10, 0), 0, D("0"), id="zero-units"),
        pytest.param(package("100", 10, 0), 10, D("100"), id="one-full-package"),
        pytest.param(package("100", 10, 0), "0.01", D("100"), id="tiny-fraction-one-package"),
        pytest.param(package("2", 1, 0), "2.5", D("6"), id="size-1-rounds-fraction-up"),
        pytest.param(package("100", 10), 121, D("1300"), id="free-units-absent-means-0"),
        pytest.param(package("100", 10, None), 11, D("200"), id="free-units-null-means-0"),
        pytest.param(package("0.5", "10", "10"), 25, D("1.0"), id="string-integers"),
    ],
)
def test_package_amount(properties, units, expected):
    assert price("package", properties, units) == expected


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        pytest.param(121, {"units": "121", "free_units": "10", "paid_units": "111",
                           "per_package_size": "10", "per_package_unit_amount": "100",
                           "packages": "12"}, id="spec-10-free"),
        pytest.param(5, {"units": "5", "free_units": "10", "paid_units": "0",
                         "per_package_size": "10", "per_package_unit_amount": "100",
                         "packages": "0"}, id="under-free-units"),
    ],
)
def test_package_breakdown(units, expected):
    model = build("package", package("100", 10, 10))
    _amount, detail = model.apply(D(units))
    assert model.details(D(units), detail) == expected
