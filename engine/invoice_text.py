# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
# engine/ never imports odoo: `_` is its own marker for the translation template
# (engine.text._), and the model layer translates.
# pylint: disable=prefer-env-translation
"""The text of a usage invoice line, as a billing product writes it for the customer.

::

    line("Bandwidth", "GB", rating, date(2026, 10, 1), date(2026, 10, 31), locale)
    # 'Bandwidth, Oct 1, 2026 to Oct 31, 2026: 1,250 GB (1,000 GB included;
    #  250 GB at $ 0.02 each)'

The same text is the rated usage's name, the invoice line's label and the ``name`` of the
invoice's fee in webhooks. Amounts are in the invoice currency's format, quantities carry
their unit in the plural where it takes one, and the unit of a money metric (``CAD`` of
sales) stays a unit, distinct from the invoice's amounts. Every sentence is translatable
(:mod:`engine.text`).
"""

from decimal import Decimal

from .text import ENGLISH, _

HEAD = _("%(metric)s, %(start)s to %(end)s: %(quantity)s")
INCLUDED = _("%(quantity)s included")
FREE = _("%(quantity)s free")
EACH = _("%(quantity)s at %(price)s each")
ALL_EACH = _("all %(quantity)s at %(price)s each")
FLAT = _("%(amount)s flat")
ONE_PACK = _("1 pack of %(size)s at %(price)s")
PACKS = _("%(count)s packs of %(size)s at %(price)s each")
RATE = _("%(rate)s%% of %(base)s")
ONE_TRANSACTION = _("1 transaction at %(price)s")
TRANSACTIONS = _("%(count)s transactions at %(price)s each")


def line(metric_name, unit, rating, start, last_day, locale=ENGLISH):
    """The invoice line text of one charge over one period.

    :param str metric_name: what is counted (the charge's invoice name or the metric's)
    :param str unit: the metric's unit name
    :param engine.rating.Rating rating: the period's rating
    :param date start: first day of the period
    :param date last_day: last day of the period
    :param engine.text.Locale locale: the reader's language and the invoice's currency
    :rtype: str
    """
    text = locale.say(HEAD, metric=metric_name, start=locale.date(start),
                      end=locale.date(last_day), quantity=locale.amount_of(rating.units, unit))
    parts = []
    if rating.included_units:
        parts.append(locale.say(INCLUDED, quantity=locale.amount_of(rating.included_units,
                                                                      unit)))
    parts += _DETAILS[rating.charge.model](rating, unit, locale)
    return f"{text} ({'; '.join(parts)})" if parts else text


def _each(locale, quantity, unit, price, flat="0", everything=False):
    words = locale.say(ALL_EACH if everything else EACH,
                       quantity=locale.amount_of(quantity, unit), price=locale.money(price))
    if Decimal(flat):
        words += " + " + locale.say(FLAT, amount=locale.money(flat))
    return words


def _standard(rating, unit, locale):
    details = rating.breakdown
    if not rating.billable_units:
        return []
    return [_each(locale, details["units"], unit, details["per_unit_amount"])]


def _graduated(rating, unit, locale):
    return [
        _each(locale, tier["units"], unit, tier["per_unit_amount"], tier["flat_unit_amount"])
        for tier in rating.breakdown["graduated_ranges"]
        if Decimal(tier["units"]) or Decimal(tier["flat_unit_amount"])
    ]


def _volume(rating, unit, locale):
    details = rating.breakdown
    if not Decimal(details["units"]) and not Decimal(details["flat_unit_amount"]):
        return []
    return [_each(locale, details["units"], unit, details["per_unit_amount"],
                  details["flat_unit_amount"], everything=True)]


def _package(rating, unit, locale):
    details = rating.breakdown
    parts = []
    if details["free_units"] != "0" and Decimal(details["units"]):
        parts.append(locale.say(FREE, quantity=locale.amount_of(
            min(Decimal(details["free_units"]), Decimal(details["units"])), unit)))
    packages = int(details["packages"])
    if packages:
        size = locale.amount_of(details["per_package_size"], unit)
        price = locale.money(details["per_package_unit_amount"])
        parts.append(locale.say(ONE_PACK, size=size, price=price) if packages == 1
                     else locale.say(PACKS, count=packages, size=size, price=price))
    return parts


def _percentage(rating, unit, locale):
    details = rating.breakdown
    parts = []
    if Decimal(details["paid_units"]):
        parts.append(locale.say(RATE, rate=locale.quantity(details["rate"]),
                                base=locale.amount_of(details["paid_units"], unit)))
    paid_events = int(details["paid_events"] or 0)
    if paid_events and Decimal(details["fixed_fee_unit_amount"]):
        price = locale.money(details["fixed_fee_unit_amount"])
        parts.append(locale.say(ONE_TRANSACTION, price=price) if paid_events == 1
                     else locale.say(TRANSACTIONS, count=paid_events, price=price))
    return parts


_DETAILS = {"standard": _standard, "graduated": _graduated, "volume": _volume,
            "package": _package, "percentage": _percentage}
