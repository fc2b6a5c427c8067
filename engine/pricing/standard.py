# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Standard pricing: one price per unit, ``amount = units x amount``.

Properties: ``amount`` (decimal >= 0, required). No free units: an included quota is
applied by :func:`engine.rating.rate`, not by the model (as in Lago).
"""

from ..checks import decimal_field
from ..const import STANDARD
from ..money import decimal_str
from .base import PricingModel


class StandardModel(PricingModel):
    """``units x amount``."""

    code = STANDARD
    keys = ("amount",)

    @classmethod
    def normalise(cls, properties, problems):
        amount = decimal_field(problems, properties.get("amount"), "amount", "invalid_amount")
        return {"amount": amount}

    def compile(self, properties):
        self._amount = properties["amount"]

    def compute(self, units, events):
        return units * self._amount, None

    def details(self, units, detail):
        return {
            "units": decimal_str(units),
            "per_unit_amount": decimal_str(self._amount),
            "per_unit_total_amount": decimal_str(units * self._amount),
        }
