# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Volume pricing: the tier that holds the total prices every unit.

Properties: ``volume_ranges`` (see :mod:`.ranges`). ``amount = units x per_unit_amount +
flat_amount`` of exactly one tier. As in Lago (since lago-api PR #5760) 0 units fall in the
first tier and pay its flat amount.

Lago picks the first tier with ``from_value <= ceil(units)`` and ``units <= to_value``.
For a valid list that is the first tier whose ``to_value`` is open or ``>= units``, which
is what we test: units exactly on a ``to_value`` stay in that tier, and 100.5 units over
``0-100`` / ``101-200`` go to the second tier. Lago's validator accepts only the "+1"
style for volume; we also accept the adjacent one (same rule, no gap possible).
"""

from ..const import VOLUME
from ..money import ZERO, decimal_str
from .base import PricingModel
from .ranges import normalise_ranges


class VolumeModel(PricingModel):
    """``units x per unit + flat`` of the single tier that holds ``units``."""

    code = VOLUME
    keys = ("volume_ranges",)

    @classmethod
    def normalise(cls, properties, problems):
        tiers = normalise_ranges(properties.get("volume_ranges"), "volume_ranges", problems)
        return {"volume_ranges": tiers}

    def compile(self, properties):
        self._tiers = tuple(
            (tier["to_value"], tier["per_unit_amount"], tier["flat_amount"])
            for tier in properties["volume_ranges"]
        )
        self._froms = tuple(tier["from_value"] for tier in properties["volume_ranges"])

    def compute(self, units, events):
        for index, (upper, per_unit, flat) in enumerate(self._tiers):
            if upper is None or units <= upper:
                return units * per_unit + flat, index
        raise AssertionError("the last volume tier is open")  # validation guarantees it

    def details(self, units, detail):
        upper, per_unit, flat = self._tiers[detail]
        subtotal = units * per_unit
        return {
            "from_value": decimal_str(self._froms[detail]),
            "to_value": decimal_str(upper),
            "units": decimal_str(units),
            "per_unit_amount": decimal_str(per_unit if units else ZERO),
            "flat_unit_amount": decimal_str(flat),
            "per_unit_total_amount": decimal_str(subtotal),
            "total_with_flat_amount": decimal_str(subtotal + flat),
        }
