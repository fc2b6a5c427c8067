# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""What a unit costs against what it is priced, and the margin of an amount.

* The **unit cost** of a metric is what its provider costs per unit over a recent window:
  the costs reported for that metric divided by the units they report (the sources send
  the units in the metric's own unit: map loads, messages, tokens).
* The **lowest price per unit** of a charge is what one more unit brings at best, where
  the pricing is cheapest: the price of a standard unit, the cheapest tier of a graduated
  or volume charge (flat fees aside), a package's price over its size. A percentage
  charge is priced on amounts, not units: it has none.
* A charge is **priced below cost** when that lowest price is under the unit cost: past
  some volume (or always), each unit sold loses money.
"""

from decimal import Decimal

from .const import GRADUATED, PACKAGE, STANDARD, VOLUME
from .errors import ValidationFailure
from .money import HUNDRED, ZERO, to_decimal
from .pricing.registry import model_class

# The window of the unit cost: the last 90 days of costs, today included.
UNIT_COST_DAYS = 90


def unit_cost(amount, units):
    """Cost per unit, unrounded (a unit often costs a fraction of a cent).

    :param amount: the costs' total, major units (``None``: none)
    :param units: the units those costs report (``None`` or 0: none reported)
    :return: the cost of one unit, or ``None`` when no unit was reported
    :rtype: Decimal or None
    """
    if amount is None or not units:
        return None
    return to_decimal(amount) / to_decimal(units)


def lowest_unit_price(charge_model, properties):
    """What one unit brings at the cheapest point of a charge's pricing.

    :param str charge_model: ``standard``, ``graduated``, ``volume``, ``package``,
        ``percentage``
    :param Mapping properties: the charge's Lago properties
    :return: the price of one unit, or ``None`` for a pricing not per unit (percentage)
        or properties that do not validate
    :rtype: Decimal or None
    """
    try:
        normalised = model_class(charge_model).validate(properties or {})
    except ValidationFailure:
        return None
    if charge_model == STANDARD:
        return normalised["amount"]
    if charge_model == PACKAGE:
        return normalised["amount"] / Decimal(normalised["package_size"])
    if charge_model in (GRADUATED, VOLUME):
        tiers = normalised[f"{charge_model}_ranges"]
        return min(tier["per_unit_amount"] for tier in tiers)
    return None


def priced_below_cost(price, cost):
    """Whether a price per unit is under the cost of a unit (unknown: never).

    :type price: Decimal or None
    :type cost: Decimal or None
    :rtype: bool
    """
    return price is not None and cost is not None and price < cost


def margin_percent(revenue, cost):
    """Margin as a percent of revenue, ``None`` without revenue (a cost with no revenue
    is a loss of the whole cost, which no percent says).

    :rtype: Decimal or None
    """
    revenue, cost = to_decimal(revenue), to_decimal(cost)
    if revenue == ZERO:
        return None
    return (revenue - cost) * HUNDRED / revenue
