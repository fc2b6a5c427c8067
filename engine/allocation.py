# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Sharing an amount out to the cent: allocation of costs, and a bill spread over days.

A provider's bill for a whole service (Google Maps for NexaMaps) has no customer; finance
shares it out among the service's customers in proportion to a metric's units (map loads)
or evenly. Shares are rounded to the cent, and the shares always add up to the amount:

* **largest remainder** (Hamilton's method): each share is first cut down to a whole cent
  (towards zero), then the cents left over go one each to the shares that lost the most
  in the cut;
* **stable tie-break**: between equal remainders, the smaller key (a customer's id, a day)
  gets the cent first, so the same inputs always give the same split, whatever order the
  database returned them in;
* a negative amount (a provider's credit) is split as its absolute value, then negated;
* a key with no weight gets nothing, not even a remainder cent.
"""

from collections.abc import Mapping
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from .const import DEFAULT_CURRENCY_EXPONENT
from .errors import ValidationFailure
from .money import ZERO, check_exponent, round_amount, to_decimal

# Methods of an allocation rule (fusion.billing.allocation.rule.method).
BY_UNITS = "units"
EVENLY = "even"
METHODS = (BY_UNITS, EVENLY)


def largest_remainder(amount, weights, exponent=DEFAULT_CURRENCY_EXPONENT):
    """Split ``amount`` in proportion to ``weights``, to the currency's smallest unit.

    :param amount: the amount to share, major units; already a whole number of cents
        (it is rounded half-up to the exponent first otherwise)
    :param Mapping weights: key -> weight (a number ``>= 0``); keys must be sortable
        among themselves (the tie-break)
    :param int exponent: decimal places of the currency
    :return: key -> share (``Decimal``, major units), for every key; the shares add up
        to ``amount`` exactly
    :rtype: dict
    :raise ValidationFailure: ``weights: nothing_to_allocate_by`` when there is no key
        or every weight is zero; ``weights: negative_weight`` for a negative weight
    """
    if not isinstance(weights, Mapping):
        raise ValidationFailure({"weights": ["invalid_type"]})
    check_exponent(exponent)
    clean = {key: to_decimal(weight, "weights") for key, weight in weights.items()}
    if any(weight < 0 for weight in clean.values()):
        raise ValidationFailure({"weights": ["negative_weight"]})
    total_weight = sum(clean.values(), ZERO)
    if not total_weight:
        raise ValidationFailure({"weights": ["nothing_to_allocate_by"]})
    rounded = round_amount(amount, exponent)
    sign = -1 if rounded < 0 else 1
    units = int(abs(rounded).scaleb(exponent))  # whole cents to share
    floors, remainders = {}, {}
    for key, weight in clean.items():
        exact = units * weight / total_weight
        floor = exact.to_integral_value(ROUND_DOWN)
        floors[key] = int(floor)
        remainders[key] = exact - floor
    left = units - sum(floors.values())
    # Largest remainder first; between equal remainders, the smaller key first.
    order = sorted(
        (key for key in clean if remainders[key] > 0),
        key=lambda key: (-remainders[key], key),
    )
    for key in order[:left]:
        floors[key] += 1
    return {key: Decimal(sign * cents).scaleb(-exponent) for key, cents in floors.items()}


def evenly(amount, keys, exponent=DEFAULT_CURRENCY_EXPONENT):
    """Split ``amount`` in equal shares over ``keys`` (the smaller keys get the
    remainder cents). :rtype: dict :raise ValidationFailure: when there is no key"""
    return largest_remainder(amount, dict.fromkeys(keys, 1), exponent)


def days_of(first_day, last_day):
    """Every day from ``first_day`` to ``last_day``, both included.

    :raise ValidationFailure: ``period_end: before_period_start`` when the period is empty
    """
    if last_day < first_day:
        raise ValidationFailure({"period_end": ["before_period_start"]})
    return [first_day + timedelta(days=offset)
            for offset in range((last_day - first_day).days + 1)]


def spread_over_days(amount, first_day, last_day, exponent=DEFAULT_CURRENCY_EXPONENT):
    """A bill for a period as one amount per day, evenly, to the cent (the earlier days
    take the remainder cents).

    :rtype: dict (date -> Decimal)
    """
    return evenly(amount, days_of(first_day, last_day), exponent)
