# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Pricing in plain words, for finance staff: a one-line summary and a priced preview.

::

    summary("standard", {"amount": "0.5"}, included="10", unit="call")
    # 'First 10 calls free, then CAD 0.50 per call'
    preview(Charge.build("graduated", properties), "15", unit="call")
    # Preview(rating, lines=[("up to 10 calls: 10 x CAD 1.00 + CAD 2.00 flat", 12.00), ...])

Amounts show the currency's decimals (``CAD 0.50``), or more when a price needs them
(``CAD 0.0005``); quantities show the digits they need (``1,250``, ``2.5``).
"""

from decimal import Decimal
from typing import NamedTuple

from ..const import DEFAULT_CURRENCY, DEFAULT_CURRENCY_EXPONENT, GRADUATED, PACKAGE, STANDARD
from ..errors import ValidationFailure
from ..money import ZERO, to_decimal
from ..rating import rate
from .form import ranges_key
from .registry import model_class


def money(value, currency=DEFAULT_CURRENCY, exponent=DEFAULT_CURRENCY_EXPONENT):
    """``CAD 1,250.50``: the currency's decimals at least, more if the value has them.

    :rtype: str
    """
    number = to_decimal(value)
    places = max(exponent, -min(number.normalize().as_tuple().exponent, 0))
    return f"{currency} {number:,.{places}f}"


def quantity(value):
    """``1,250`` or ``2.5``: thousands grouped, no trailing zeros. :rtype: str"""
    number = to_decimal(value)
    number = number.normalize() if number else ZERO
    places = -min(number.as_tuple().exponent, 0)
    return f"{number:,.{places}f}"


def units(unit, count=None):
    """The unit's name for a count: ``call``/``calls``, ``GB``, ``unit``/``units``.

    A lower-case name gets an ``s`` in the plural; a symbol (``GB``, ``vCPU``) or a name
    already ending in ``s`` does not.

    :param str unit: the metric's unit name, or empty
    :param count: the number it counts; ``None`` for the plural
    :rtype: str
    """
    unit = (unit or "").strip() or "unit"
    if count is not None and to_decimal(count) == 1:
        return unit
    if unit[-1].islower() and not unit.endswith("s"):
        return unit + "s"
    return unit


def amount_of(value, unit):
    """``10 calls``, ``1 call``. :rtype: str"""
    return f"{quantity(value)} {units(unit, value)}"


def summary(model, properties, *, included=0, currency=DEFAULT_CURRENCY,
            exponent=DEFAULT_CURRENCY_EXPONENT, unit=None):
    """One line saying what a charge costs, e.g. ``first 10 calls free, then CAD 0.50
    per call``.

    :param str model: charge model code
    :param Mapping properties: Lago-shaped properties
    :param included: the included quantity
    :param str currency: currency code
    :param int exponent: the currency's decimal places
    :param str unit: the metric's unit name
    :rtype: str
    :raise ValidationFailure: if the properties are not valid
    """
    props = model_class(model).validate(properties)
    words = _SUMMARIES[model](props, lambda v: money(v, currency, exponent), unit)
    included = to_decimal(included)
    if included:
        words = f"first {amount_of(included, unit)} free, then {words}"
    return words[0].upper() + words[1:]


def _standard(props, cash, unit):
    return f"{cash(props['amount'])} per {units(unit, 1)}"


def _tiers(props, cash, unit, key):
    parts, lower = [], None
    for tier in props[key]:
        upper = tier["to_value"]
        if lower is None:
            span = f"up to {amount_of(upper, unit)}" if upper is not None else "every unit"
        elif upper is None:
            span = f"over {amount_of(lower, unit)}"
        else:
            span = f"over {quantity(lower)} up to {amount_of(upper, unit)}"
        price = f"{cash(tier['per_unit_amount'])} per {units(unit, 1)}"
        if tier["flat_amount"]:
            price += f" plus {cash(tier['flat_amount'])}"
        parts.append(f"{span}: {price}")
        lower = upper
    return "; ".join(parts)


def _graduated(props, cash, unit):
    return "each tier priced on its own, " + _tiers(props, cash, unit, ranges_key(GRADUATED))


def _volume(props, cash, unit):
    return ("every unit at the price of the tier the total reaches, "
            + _tiers(props, cash, unit, "volume_ranges"))


def _package(props, cash, unit):
    words = (f"{cash(props['amount'])} per started pack of "
             f"{amount_of(props['package_size'], unit)}")
    if props["free_units"]:
        words += f", first {amount_of(props['free_units'], unit)} free"
    return words


def _percentage(props, cash, unit):
    words = f"{quantity(props['rate'])}% of the total"
    if props["fixed_amount"]:
        words += f" plus {cash(props['fixed_amount'])} per event"
    if props["free_units_per_events"]:
        words += f", first {props['free_units_per_events']} events free"
    if props["free_units_per_total_aggregation"]:
        words += f", first {quantity(props['free_units_per_total_aggregation'])} free"
    return words


_SUMMARIES = {"standard": _standard, "graduated": _graduated, "volume": _volume,
              "package": _package, "percentage": _percentage}


class Preview(NamedTuple):
    """A quantity priced by a charge, explained line by line."""

    rating: object  # engine.rating.Rating
    lines: list  # [(words, Decimal amount)], adding up to the precise amount


def preview(charge, amount, *, events=None, currency=DEFAULT_CURRENCY, unit=None):
    """Price a quantity with a charge, as :func:`engine.rating.rate` does, and explain it.

    :param engine.rating.Charge charge: the charge
    :param amount: the quantity to price
    :param events: how many pushes the quantity came in (percentage's per-event rules);
        it is split evenly between them. ``None``: one push.
    :param str currency: currency code
    :param str unit: the metric's unit name
    :rtype: Preview
    :raise ValidationFailure: on a negative or non-numeric quantity or event count
    """
    events_list = None
    if charge.pricer.needs_events:
        events_list = even_events(amount, 1 if events is None else events)
    rating = rate(charge, amount, events=events_list)

    def cash(value):
        return money(value, currency, charge.currency_exponent)

    lines = []
    if rating.included_units:
        lines.append((f"{amount_of(rating.included_units, unit)} included", ZERO))
    lines += _DETAILS[charge.model](rating.breakdown, cash, unit)
    return Preview(rating, lines)


def even_events(amount, count):
    """``amount`` split into ``count`` pushes, the rounding left on the last one.

    :rtype: tuple
    :raise ValidationFailure: ``invalid_events`` unless ``count`` is a whole number >= 1
    """
    count_number = to_decimal(count, "events")
    if count_number < 1 or count_number != count_number.to_integral_value():
        raise ValidationFailure({"events": ["invalid_events"]})
    total, count = to_decimal(amount, "quantity"), int(count_number)
    share = (total / count).quantize(Decimal("0.000001")) if total else ZERO
    return (share,) * (count - 1) + (total - share * (count - 1),)


def _standard_lines(details, cash, unit):
    count = details["units"]
    return [(f"{amount_of(count, unit)} x {cash(details['per_unit_amount'])}",
             Decimal(details["per_unit_total_amount"]))]


def _tier_lines(tiers, cash, unit):
    lines, lower = [], None
    for tier in tiers:
        upper = tier["to_value"]
        if upper is None:
            span = f"over {amount_of(lower, unit)}" if lower is not None else "every unit"
        elif lower is None:
            span = f"up to {amount_of(upper, unit)}"
        else:
            span = f"over {quantity(lower)} up to {amount_of(upper, unit)}"
        words = f"{span}: {quantity(tier['units'])} x {cash(tier['per_unit_amount'])}"
        if Decimal(tier["flat_unit_amount"]):
            words += f" + {cash(tier['flat_unit_amount'])} flat"
        lines.append((words, Decimal(tier["total_with_flat_amount"])))
        lower = upper
    return lines


def _graduated_lines(details, cash, unit):
    return _tier_lines(details[ranges_key(GRADUATED)], cash, unit)


def _volume_lines(details, cash, unit):
    upper = details["to_value"]
    tier = f"from {quantity(details['from_value'])}" + (
        f" to {quantity(upper)}" if upper is not None else " up")
    words = (f"all {amount_of(details['units'], unit)} at the tier {tier}: "
             f"{quantity(details['units'])} x {cash(details['per_unit_amount'])}")
    if Decimal(details["flat_unit_amount"]):
        words += f" + {cash(details['flat_unit_amount'])} flat"
    return [(words, Decimal(details["total_with_flat_amount"]))]


def _package_lines(details, cash, unit):
    words = (f"{details['packages']} started pack(s) of "
             f"{amount_of(details['per_package_size'], unit)} x "
             f"{cash(details['per_package_unit_amount'])}")
    if details["free_units"] != "0":
        words += f" ({amount_of(details['free_units'], unit)} free first)"
    packages = int(details["packages"])
    return [(words, packages * Decimal(details["per_package_unit_amount"]))]


def _percentage_lines(details, cash, unit):
    lines = [(f"{quantity(details['rate'])}% of {quantity(details['paid_units'])}",
              Decimal(details["per_unit_total_amount"]))]
    if details["paid_events"] not in (None, "0") and Decimal(details["fixed_fee_unit_amount"]):
        lines.append((f"{details['paid_events']} event(s) x "
                      f"{cash(details['fixed_fee_unit_amount'])}",
                      Decimal(details["fixed_fee_total_amount"])))
    return lines


_DETAILS = {STANDARD: _standard_lines, GRADUATED: _graduated_lines, "volume": _volume_lines,
            PACKAGE: _package_lines, "percentage": _percentage_lines}
