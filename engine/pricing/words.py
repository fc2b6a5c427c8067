# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
# engine/ never imports odoo: `_` is its own marker for the translation template
# (engine.text._), and the model layer translates.
# pylint: disable=prefer-env-translation
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
from ..text import ENGLISH, _, group_digits, places_of, units  # noqa: F401 (units re-exported)
from .form import ranges_key
from .registry import model_class


def money(value, currency=DEFAULT_CURRENCY, exponent=DEFAULT_CURRENCY_EXPONENT):
    """``CAD 1,250.50``: the currency's decimals at least, more if the value has them.

    :rtype: str
    """
    number = to_decimal(value)
    return f"{currency} {group_digits(number, places_of(number, exponent))}"


def quantity(value):
    """``1,250`` or ``2.5``: thousands grouped, no trailing zeros. :rtype: str"""
    return ENGLISH.quantity(value)


def amount_of(value, unit):
    """``10 calls``, ``1 call``. :rtype: str"""
    return ENGLISH.amount_of(value, unit)


def summary(model, properties, *, included=0, currency=DEFAULT_CURRENCY,
            exponent=DEFAULT_CURRENCY_EXPONENT, unit=None, locale=ENGLISH):
    """One line saying what a charge costs, e.g. ``first 10 calls free, then CAD 0.50
    per call``.

    :param str model: charge model code
    :param Mapping properties: Lago-shaped properties
    :param included: the included quantity
    :param str currency: currency code
    :param int exponent: the currency's decimal places
    :param str unit: the metric's unit name
    :param engine.text.Locale locale: the reader's language (its sentences)
    :rtype: str
    :raise ValidationFailure: if the properties are not valid
    """
    props = model_class(model).validate(properties)
    words = _SUMMARIES[model](props, lambda v: money(v, currency, exponent), unit, locale)
    included = to_decimal(included)
    if included:
        words = locale.say(_("first %(quantity)s free, then %(price)s"),
                           quantity=amount_of(included, unit), price=words)
    return words[0].upper() + words[1:]


def _per_unit(locale, price, unit):
    return locale.say(_("%(price)s per %(unit)s"), price=price, unit=units(unit, 1))


def _standard(props, cash, unit, locale):
    return _per_unit(locale, cash(props["amount"]), unit)


def _span(lower, upper, unit, locale):
    """The units a tier covers, in words ("over 10 up to 100 calls")."""
    if lower is None:
        return locale.say(_("up to %(quantity)s"), quantity=amount_of(upper, unit)) \
            if upper is not None else locale.say(_("every unit"))
    if upper is None:
        return locale.say(_("over %(quantity)s"), quantity=amount_of(lower, unit))
    return locale.say(_("over %(lower)s up to %(upper)s"), lower=quantity(lower),
                      upper=amount_of(upper, unit))


def _tiers(props, cash, unit, key, locale):
    parts, lower = [], None
    for tier in props[key]:
        upper = tier["to_value"]
        price = _per_unit(locale, cash(tier["per_unit_amount"]), unit)
        if tier["flat_amount"]:
            price = locale.say(_("%(price)s plus %(flat)s"), price=price,
                               flat=cash(tier["flat_amount"]))
        parts.append(f"{_span(lower, upper, unit, locale)}: {price}")
        lower = upper
    return "; ".join(parts)


def _graduated(props, cash, unit, locale):
    return locale.say(_("each tier priced on its own, %(tiers)s"),
                      tiers=_tiers(props, cash, unit, ranges_key(GRADUATED), locale))


def _volume(props, cash, unit, locale):
    return locale.say(_("every unit at the price of the tier the total reaches, %(tiers)s"),
                      tiers=_tiers(props, cash, unit, "volume_ranges", locale))


def _package(props, cash, unit, locale):
    words = locale.say(_("%(price)s per started pack of %(size)s"),
                       price=cash(props["amount"]),
                       size=amount_of(props["package_size"], unit))
    if props["free_units"]:
        words += ", " + locale.say(_("first %(quantity)s free"),
                                   quantity=amount_of(props["free_units"], unit))
    return words


def _percentage(props, cash, unit, locale):
    words = locale.say(_("%(rate)s%% of the total"), rate=quantity(props["rate"]))
    if props["fixed_amount"]:
        words += " " + locale.say(_("plus %(fee)s per event"), fee=cash(props["fixed_amount"]))
    if props["free_units_per_events"]:
        words += ", " + locale.say(_("first %(count)s events free"),
                                   count=props["free_units_per_events"])
    if props["free_units_per_total_aggregation"]:
        words += ", " + locale.say(_("first %(quantity)s free"), quantity=quantity(
            props["free_units_per_total_aggregation"]))
    return words


_SUMMARIES = {"standard": _standard, "graduated": _graduated, "volume": _volume,
              "package": _package, "percentage": _percentage}


class Preview(NamedTuple):
    """A quantity priced by a charge, explained line by line."""

    rating: object  # engine.rating.Rating
    lines: list  # [(words, Decimal amount)], adding up to the precise amount


def preview(charge, amount, *, events=None, currency=DEFAULT_CURRENCY, unit=None,
            locale=ENGLISH):
    """Price a quantity with a charge, as :func:`engine.rating.rate` does, and explain it.

    :param engine.rating.Charge charge: the charge
    :param amount: the quantity to price
    :param events: how many pushes the quantity came in (percentage's per-event rules);
        it is split evenly between them. ``None``: one push.
    :param str currency: currency code
    :param str unit: the metric's unit name
    :param engine.text.Locale locale: the reader's language (its sentences)
    :rtype: Preview
    :raise ValidationFailure: on a negative or non-numeric quantity or event count
    """
    events_list = None
    if charge.pricer.needs_events:
        events_list = even_events(amount, 1 if events is None else events)
    rating = rate(charge, amount, events=events_list)
    return Preview(rating, breakdown_lines(rating, currency=currency, unit=unit,
                                           locale=locale))


def breakdown_lines(rating, *, currency=DEFAULT_CURRENCY, unit=None, locale=ENGLISH):
    """How a rating reached its amount, line by line: ``[(words, Decimal amount)]``
    adding up to its precise amount (the preview).

    :param engine.rating.Rating rating: a rating (its charge and breakdown)
    :rtype: list
    """
    return detail_lines(rating.charge.model, rating.breakdown, rating.included_units,
                        currency=currency, exponent=rating.charge.currency_exponent,
                        unit=unit, locale=locale)


def model_of(details):
    """The charge model a stored breakdown (Lago's ``amount_details``) comes from: a
    rated period keeps its breakdown even if its charge changes model later.

    :rtype: str
    """
    if "graduated_ranges" in details:
        return GRADUATED
    if "packages" in details:
        return PACKAGE
    if "rate" in details:
        return "percentage"
    if "from_value" in details:
        return "volume"
    return STANDARD


def detail_lines(model, details, included_units=ZERO, *, currency=DEFAULT_CURRENCY,
                 exponent=DEFAULT_CURRENCY_EXPONENT, unit=None, locale=ENGLISH):
    """A breakdown in lines, ``[(words, Decimal amount)]``: the preview's, and a rated
    usage's "how the amount was reached".

    :param str model: the charge model (see :func:`model_of`)
    :param dict details: the breakdown (``Rating.breakdown``, stored as amount_details)
    :param included_units: the units the included quantity covered
    :rtype: list
    """
    def cash(value):
        return money(value, currency, exponent)

    lines = []
    if to_decimal(included_units):
        lines.append((locale.say(_("%(quantity)s included"),
                                 quantity=amount_of(included_units, unit)), ZERO))
    lines += _DETAILS[model](details, cash, unit, locale)
    return lines


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


def _standard_lines(details, cash, unit, locale):
    return [(f"{amount_of(details['units'], unit)} x {cash(details['per_unit_amount'])}",
             Decimal(details["per_unit_total_amount"]))]


def _tier_lines(tiers, cash, unit, locale):
    lines, lower = [], None
    for tier in tiers:
        upper = tier["to_value"]
        words = (f"{_span(lower, upper, unit, locale)}: {quantity(tier['units'])} x "
                 f"{cash(tier['per_unit_amount'])}")
        if Decimal(tier["flat_unit_amount"]):
            words += " + " + locale.say(_("%(amount)s flat"),
                                        amount=cash(tier["flat_unit_amount"]))
        lines.append((words, Decimal(tier["total_with_flat_amount"])))
        lower = upper
    return lines


def _graduated_lines(details, cash, unit, locale):
    return _tier_lines(details[ranges_key(GRADUATED)], cash, unit, locale)


def _volume_lines(details, cash, unit, locale):
    upper = details["to_value"]
    tier = locale.say(_("from %(lower)s to %(upper)s"), lower=quantity(details["from_value"]),
                      upper=quantity(upper)) if upper is not None else locale.say(
        _("from %(lower)s up"), lower=quantity(details["from_value"]))
    words = locale.say(_("all %(quantity)s at the tier %(tier)s: %(count)s x %(price)s"),
                       quantity=amount_of(details["units"], unit), tier=tier,
                       count=quantity(details["units"]),
                       price=cash(details["per_unit_amount"]))
    if Decimal(details["flat_unit_amount"]):
        words += " + " + locale.say(_("%(amount)s flat"),
                                    amount=cash(details["flat_unit_amount"]))
    return [(words, Decimal(details["total_with_flat_amount"]))]


def _package_lines(details, cash, unit, locale):
    words = locale.say(_("%(count)s started pack(s) of %(size)s x %(price)s"),
                       count=details["packages"],
                       size=amount_of(details["per_package_size"], unit),
                       price=cash(details["per_package_unit_amount"]))
    if details["free_units"] != "0":
        words += " " + locale.say(_("(%(quantity)s free first)"),
                                  quantity=amount_of(details["free_units"], unit))
    packages = int(details["packages"])
    return [(words, packages * Decimal(details["per_package_unit_amount"]))]


def _percentage_lines(details, cash, unit, locale):
    lines = [(locale.say(_("%(rate)s%% of %(base)s"), rate=quantity(details["rate"]),
                         base=quantity(details["paid_units"])),
              Decimal(details["per_unit_total_amount"]))]
    if details["paid_events"] not in (None, "0") and Decimal(details["fixed_fee_unit_amount"]):
        lines.append((locale.say(_("%(count)s event(s) x %(price)s"),
                                 count=details["paid_events"],
                                 price=cash(details["fixed_fee_unit_amount"])),
                      Decimal(details["fixed_fee_total_amount"])))
    return lines


_DETAILS = {STANDARD: _standard_lines, GRADUATED: _graduated_lines, "volume": _volume_lines,
            PACKAGE: _package_lines, "percentage": _percentage_lines}
