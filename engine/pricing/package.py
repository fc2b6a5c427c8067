# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Package pricing: a fixed price per started group of units, after free units.

Properties: ``amount`` (decimal >= 0), ``package_size`` (whole number > 0), ``free_units``
(whole number >= 0; absent or null means 0 - Lago's charge model reads it that way,
though Lago's validator insists on it). Whole numbers may arrive as ``10``, ``"10"`` or
``10.0``.

``paid = units - free_units``; nothing is due when ``paid <= 0``; otherwise
``ceil(paid / package_size) x amount``: a package is due from its first unit, so
fractional units start a package too (2,500 units, 100 free, 30 per 1,000 -> 3 packages
-> 90).
"""

from ..checks import decimal_field, integer_field
from ..const import PACKAGE
from ..money import ZERO, decimal_str
from .base import PricingModel


class PackageModel(PricingModel):
    """``ceil((units - free) / size) x amount``."""

    code = PACKAGE
    keys = ("amount", "package_size", "free_units")

    @classmethod
    def normalise(cls, properties, problems):
        amount = decimal_field(problems, properties.get("amount"), "amount", "invalid_amount")
        size = integer_field(
            problems, properties.get("package_size"), "package_size", "invalid_package_size",
            minimum=1,
        )
        free = integer_field(
            problems, properties.get("free_units"), "free_units", "invalid_free_units",
            required=False,
        )
        return {"amount": amount, "package_size": size, "free_units": free or 0}

    def compile(self, properties):
        self._amount = properties["amount"]
        self._size = properties["package_size"]
        self._free = properties["free_units"]

    def compute(self, units, events):
        paid = units - self._free
        if paid <= 0:
            return ZERO, 0
        # divmod is exact on Decimals (no rounding of a quotient), unlike ceil(paid / size).
        packages, rest = divmod(paid, self._size)
        packages = int(packages) + (1 if rest else 0)
        return packages * self._amount, packages

    def details(self, units, detail):
        paid = units - self._free
        return {
            "units": decimal_str(units),
            "free_units": str(self._free),
            "paid_units": decimal_str(paid if paid > 0 else ZERO),
            "per_package_size": str(self._size),
            "per_package_unit_amount": decimal_str(self._amount),
            "packages": str(detail),
        }
