# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Percentage pricing: a rate on the amount, plus a fixed fee per event (push).

Properties: ``rate`` (percent, decimal >= 0), and optionally ``fixed_amount`` (per event),
``free_units_per_events`` (whole number > 0) and ``free_units_per_total_aggregation``
(decimal >= 0). Lago's premium per-transaction min/max are refused as unsupported.

``amount = (units - free units) x rate / 100 + (events - free events) x fixed_amount``,
the free parts following Lago's rules (:mod:`.free_units`); no fixed fee at all when
``units`` is 0 (Lago's rule too, even if events were pushed).

``events`` (needed by ``free_units_per_events`` and a non-zero ``fixed_amount`` only)
must sum to ``units``: they are the pushes the units were summed from.
"""

from ..checks import decimal_field, integer_field
from ..const import PERCENTAGE
from ..money import HUNDRED, ZERO, decimal_str
from .base import PricingModel
from .free_units import check_events, free_parts


class PercentageModel(PricingModel):
    """``rate`` % of the paid units plus ``fixed_amount`` per paid event."""

    code = PERCENTAGE
    keys = ("rate", "fixed_amount", "free_units_per_events", "free_units_per_total_aggregation")

    @classmethod
    def normalise(cls, properties, problems):
        def number(key, required=False):  # Lago's codes are all "invalid_<key>"
            return decimal_field(
                problems, properties.get(key), key, f"invalid_{key}", required=required
            )

        free_events = integer_field(
            problems, properties.get("free_units_per_events"), "free_units_per_events",
            "invalid_free_units_per_events", required=False, minimum=1,
        )
        return {
            "rate": number("rate", required=True),
            "fixed_amount": number("fixed_amount"),
            "free_units_per_events": free_events,
            "free_units_per_total_aggregation": number("free_units_per_total_aggregation"),
        }

    def compile(self, properties):
        self._rate = properties["rate"]
        self._fixed = properties["fixed_amount"] or ZERO
        self._free_events = properties["free_units_per_events"] or 0
        self._free_total = properties["free_units_per_total_aggregation"] or ZERO
        self.needs_events = bool(self._fixed or self._free_events)

    def compute(self, units, events):
        count = free_count = 0
        if events is None:
            # Without events only the total-value rule can apply: min(units, T).
            free_value = min(units, self._free_total)
        else:
            check_events(events, units)
            count = len(events)
            free_value, free_count = free_parts(events, self._free_events, self._free_total)
        percentage = ZERO if free_value > units else (units - free_value) * self._rate / HUNDRED
        fixed = ZERO
        if units and self._fixed and free_count < count:
            fixed = (count - free_count) * self._fixed
        detail = (free_value, free_count, None if events is None else count, percentage, fixed)
        return percentage + fixed, detail

    def details(self, units, detail):
        free_value, free_count, count, percentage, fixed = detail
        paid_units = units - free_value
        free_events = paid_events = None
        if count is not None:
            free_events = min(count, free_count)
            paid_events = count - free_events
        return {
            "units": decimal_str(units),
            "free_units": decimal_str(free_value),
            "paid_units": decimal_str(paid_units if paid_units > 0 else ZERO),
            "rate": decimal_str(self._rate),
            "per_unit_total_amount": decimal_str(percentage),
            "free_events": None if count is None else str(free_events),
            "paid_events": None if count is None else str(paid_events),
            "fixed_fee_unit_amount": decimal_str(self._fixed if paid_events else ZERO),
            "fixed_fee_total_amount": decimal_str(fixed),
        }

