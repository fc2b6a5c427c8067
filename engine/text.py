# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Words for people in their language and their currency's format, without Odoo.

**Translation.** The engine's sentences are written ``_("...")``: :func:`_` returns the
text unchanged, and marks it for Odoo's template export, which extracts every ``_`` and
``_lt`` call of every Python file of the module (``odoo/tools/translate.py``,
``TranslationModuleReader``; the engine's files included). At run time the model layer
hands a :class:`Locale` whose ``gettext`` looks the sentence up in the module's
translations; the engine then fills in ``%(name)s`` placeholders, as Odoo's ``_`` does.

**Numbers.** :class:`MoneyFormat` formats an amount as the invoice's currency does in
the reader's language (``$ 1,829.99``, ``1 829,99 $``); quantities use the same
separators (``1,250``). Amounts keep the currency's decimals, and more when a unit price
has them (``$ 0.0005``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from .money import ZERO, to_decimal

NBSP = "\N{NO-BREAK SPACE}"


def _(source):
    """Mark an engine sentence for the translation template; returns it unchanged."""
    return source


def _identity(source):
    return source


def group_digits(number, places, thousands=",", decimal_point="."):
    """``Decimal("1250.5")``, 2 -> ``"1,250.50"``, with the given separators.

    :param Decimal number: the value
    :param int places: decimals shown
    :rtype: str
    """
    text = f"{number:,.{places}f}"
    return text.replace(",", "\0").replace(".", decimal_point).replace("\0", thousands)


def places_of(number, minimum=0):
    """The decimals a value needs, at least ``minimum``. :rtype: int"""
    number = number.normalize() if number else ZERO
    return max(minimum, -min(number.as_tuple().exponent, 0))


@dataclass(frozen=True)
class MoneyFormat:
    """How one currency's amounts read in one language (Odoo's ``res.currency`` and
    ``res.lang``): the symbol before or after the amount, the currency's decimals, the
    language's separators."""

    symbol: str = "$"
    position: str = "before"  # or "after"
    places: int = 2
    thousands: str = ","
    decimal_point: str = "."

    def __call__(self, value):
        """``$ 1,829.99``: the currency's decimals at least, more if the value has them.

        :rtype: str
        """
        number = to_decimal(value)
        text = group_digits(number, places_of(number, self.places), self.thousands,
                            self.decimal_point)
        if self.position == "after":
            return f"{text}{NBSP}{self.symbol}"
        return f"{self.symbol}{NBSP}{text}"


class Locale(NamedTuple):
    """What words for one reader need: translation, money, quantity and date formats.

    The defaults are the engine's own English, CAD and ISO dates (tests, the API)."""

    gettext: Callable = _identity
    money: Callable = MoneyFormat()
    thousands: str = ","
    decimal_point: str = "."
    date: Callable = date.isoformat

    def say(self, source, **values):
        """The sentence in the reader's language, its placeholders filled in."""
        text = self.gettext(source)
        return text % values if values else text

    def quantity(self, value):
        """``1,250`` or ``2.5``: no trailing zeros. :rtype: str"""
        number = to_decimal(value)
        return group_digits(number, places_of(number), self.thousands, self.decimal_point)

    def amount_of(self, value, unit):
        """``1,250 GB``, ``1 call``, ``14 users``: a quantity with its unit. :rtype: str"""
        return f"{self.quantity(value)} {units(unit, value)}"


def units(unit, count=None):
    """The unit's name for a count: ``call``/``calls``, ``GB``, ``unit``/``units``.

    A lower-case name gets an ``s`` in the plural; a symbol (``GB``, ``vCPU``, ``CAD``) or
    a name already ending in ``s`` does not.

    :param str unit: the metric's unit name, or empty
    :param count: the number it counts; ``None`` for the plural
    :rtype: str
    """
    unit = (unit or "").strip() or "unit"
    if count is not None and Decimal(str(count)) == 1:
        return unit
    if unit[-1].islower() and not unit.endswith("s"):
        return unit + "s"
    return unit


ENGLISH = Locale()
