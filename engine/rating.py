# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Rating: a charge (pricing model + included quantity + currency) applied to a quantity.

::

    charge = Charge.build("graduated", properties, included_quantity="1000")
    result = rate(charge, Decimal("1250"))
    result.amount, result.amount_cents, result.breakdown

A :class:`Charge` is validated and compiled once when it is built; :func:`rate` then does
no parsing of the properties. The included quantity comes off first::

    billable = max(0, quantity - included_quantity)

so a charge never bills the included units. The precise amount is rounded once, half-up,
to the currency exponent (2 for CAD); ``precise_amount`` keeps the unrounded value, as
Lago's fees do.

**Percentage with an included quantity and per-event rules.** The included quantity is
consumed by the earliest events first: an event wholly inside it disappears (it pays
neither the rate nor the fixed fee), the event that crosses it keeps only its excess
(and counts as a paid event), later events are untouched. Lago's own free units
(``free_units_per_events`` / ``free_units_per_total_aggregation``) then apply to what is
left, so the included quantity behaves as a free allowance stacked before them.

**Breakdown.** :attr:`Rating.breakdown` (the JSON-ready ``amount_details``) is built
lazily from the figures rating computed; :meth:`Rating.as_dict` includes it.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from .checks import Problems, decimal_field, parse_events
from .const import DEFAULT_CURRENCY_EXPONENT
from .errors import ValidationFailure
from .money import ZERO, check_exponent, decimal_str, round_amount, to_decimal
from .pricing.base import PricingModel
from .pricing.registry import model_class


@dataclass(frozen=True, slots=True)
class Charge:
    """A charge ready to rate: always valid once constructed.

    :param str model: charge model code
    :param Mapping properties: Lago-shaped properties (stored normalised)
    :param included_quantity: units included in the plan, never billed (``>= 0``)
    :param int currency_exponent: decimal places of the currency (2 for CAD)
    :raise ValidationFailure: with every problem of the model, properties, included
        quantity (``invalid_included_quantity``) and exponent
    """

    model: str
    properties: Any
    included_quantity: Decimal = ZERO
    currency_exponent: int = DEFAULT_CURRENCY_EXPONENT
    pricer: PricingModel = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        problems = Problems()
        pricer = None
        try:
            cls = model_class(self.model)
            pricer = cls(cls.validate(self.properties))
        except ValidationFailure as failure:
            problems.merge(failure)
        included = decimal_field(
            problems, self.included_quantity, "included_quantity", "invalid_included_quantity"
        )
        try:
            check_exponent(self.currency_exponent)
        except ValidationFailure as failure:
            problems.merge(failure)
        problems.raise_if_any()
        object.__setattr__(self, "properties", pricer.properties)
        object.__setattr__(self, "included_quantity", included)
        object.__setattr__(self, "pricer", pricer)

    @classmethod
    def build(cls, model, properties, *, included_quantity=ZERO,
              currency_exponent=DEFAULT_CURRENCY_EXPONENT):
        """Validate and compile a charge (same as the constructor, keyword style).

        :rtype: Charge
        :raise ValidationFailure: with every problem found
        """
        return cls(model, properties, included_quantity, currency_exponent)


class Rating(NamedTuple):
    """What one charge costs for one quantity."""

    units: Decimal  # the aggregated quantity of the period
    included_units: Decimal  # the part of it covered by the included quantity
    billable_units: Decimal  # what the pricing model priced: units - included_units
    precise_amount: Decimal  # unrounded amount, major units (Lago's precise_amount)
    amount: Decimal  # rounded half-up to the currency exponent
    amount_cents: int  # amount in minor units (Lago's amount_cents)
    charge: Charge  # the charge that was applied
    detail: Any  # raw figures of the pricing model, turned into the breakdown on demand

    @property
    def breakdown(self):
        """JSON-ready per-model explanation of the amount (strings; Lago's amount_details).

        :rtype: dict
        """
        return self.charge.pricer.details(self.billable_units, self.detail)

    def as_dict(self):
        """The whole result, JSON-ready (decimals as strings, cents as an int).

        :rtype: dict
        """
        return {
            "charge_model": self.charge.model,
            "units": decimal_str(self.units),
            "included_units": decimal_str(self.included_units),
            "billable_units": decimal_str(self.billable_units),
            "precise_amount": decimal_str(self.precise_amount),
            "amount": decimal_str(self.amount),
            "amount_cents": self.amount_cents,
            "amount_details": self.breakdown,
        }


def rate(charge, quantity, *, events=None):
    """Rate a quantity with a charge.

    :param Charge charge: built once with :meth:`Charge.build`
    :param quantity: aggregated units of the period (``>= 0``)
    :param events: per-push values in order (percentage's per-event rules only)
    :rtype: Rating
    :raise ValidationFailure: ``negative_quantity``, ``value_is_not_valid_number``,
        ``events_required``, ``events_do_not_match_units``
    """
    quantity = to_decimal(quantity, "quantity")
    if quantity < 0:
        raise ValidationFailure({"quantity": ["negative_quantity"]})
    included = charge.included_quantity
    billable = quantity - included if quantity > included else ZERO
    if events is not None:
        events = _after_included(parse_events(events), included)
    precise, detail = charge.pricer.apply(billable, events)
    exponent = charge.currency_exponent
    amount = round_amount(precise, exponent)
    return Rating(
        quantity, quantity - billable, billable, precise, amount,
        int(amount.scaleb(exponent)), charge, detail,
    )


def _after_included(events, included):
    """Take the included quantity off the earliest events (see the module docstring)."""
    if not included:
        return events
    remaining, kept = included, []
    for value in events:
        if not remaining:
            kept.append(value)
        elif remaining >= value:
            remaining -= value
        else:
            kept.append(value - remaining)
            remaining = ZERO
    return tuple(kept)
