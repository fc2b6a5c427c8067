# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Graduated pricing: each tier prices the units that fall inside it.

Properties: ``graduated_ranges`` (see :mod:`.ranges`). For each tier reached, in order,
``units in tier x per_unit_amount + flat_amount``, summed; the walk stops at the first
tier whose ``to_value`` is open or ``>= units``. As in Lago (since lago-api PR #5760):

* the first tier is always reached, so its ``flat_amount`` is billed even at 0 units;
* a tier's flat amount is billed as soon as the tier is reached, in full;
* units exactly on a ``to_value`` stay in that tier (10 units with ``0-10`` / ``11-...``
  touch one tier only);
* units in a tier = ``min(units, to_value) - previous to_value``. Lago computes
  ``... - from_value`` in the adjacent style and ``... - from_value + 1`` in the "+1"
  style: both are that same number, so 10.5 units over ``0-10`` / ``11-...`` put 0.5 unit
  in the second tier, whichever style is used. (Lago picks one style for the whole list,
  so a list mixing both over-counts one unit per "+1" tier there; we do not.)
"""

from ..const import GRADUATED
from ..money import ZERO, decimal_str
from .base import PricingModel
from .ranges import normalise_ranges


class GraduatedModel(PricingModel):
    """Sum over the tiers reached of ``units in tier x per unit + flat``."""

    code = GRADUATED
    keys = ("graduated_ranges",)

    @classmethod
    def normalise(cls, properties, problems):
        tiers = normalise_ranges(properties.get("graduated_ranges"), "graduated_ranges", problems)
        return {"graduated_ranges": tiers}

    def compile(self, properties):
        # (lower, upper, per_unit, flat): lower is the previous tier's to_value (0 first).
        compiled, lower = [], ZERO
        for tier in properties["graduated_ranges"]:
            upper = tier["to_value"]
            compiled.append((lower, upper, tier["per_unit_amount"], tier["flat_amount"]))
            lower = upper
        self._tiers = tuple(compiled)
        self._froms = tuple(tier["from_value"] for tier in properties["graduated_ranges"])

    def compute(self, units, events):
        amount = ZERO
        reached = 0
        for lower, upper, per_unit, flat in self._tiers:
            reached += 1
            if upper is None or units <= upper:
                return amount + (units - lower) * per_unit + flat, reached
            amount += (upper - lower) * per_unit + flat
        raise AssertionError("the last graduated tier is open")  # validation guarantees it

    def details(self, units, detail):
        ranges = []
        for index in range(detail):
            lower, upper, per_unit, flat = self._tiers[index]
            top = units if upper is None or units < upper else upper
            span = top - lower
            subtotal = span * per_unit
            ranges.append({
                "from_value": decimal_str(self._froms[index]),
                "to_value": decimal_str(upper),
                "units": decimal_str(span),
                # Lago shows 0 as the unit price of a tier that holds no unit.
                "per_unit_amount": decimal_str(per_unit if span else ZERO),
                "flat_unit_amount": decimal_str(flat),
                "per_unit_total_amount": decimal_str(subtotal),
                "total_with_flat_amount": decimal_str(subtotal + flat),
            })
        return {"graduated_ranges": ranges}
