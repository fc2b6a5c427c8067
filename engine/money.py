# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Money and quantities as :class:`~decimal.Decimal`, and the one rounding step.

Rules of the house, mirroring Lago's fees (``amount_cents`` next to ``precise_amount``):

* every amount and quantity inside the engine is a ``Decimal``; floats never are;
* input arrives as a decimal string, an ``int``, a ``Decimal`` or, from JSON, a ``float``.
  A float is converted through ``str()``, so ``0.1`` becomes ``Decimal("0.1")`` (the value
  that was typed) and not ``0.1000000000000000055511151231257827...``;
* ``bool``, NaN, infinities and anything that is not plainly a number are refused with a
  :class:`~engine.errors.ValidationFailure` (code ``value_is_not_valid_number``, Lago's);
* an amount is rounded **once**, at the line total, half-up to the currency's exponent,
  and the unrounded (precise) amount is kept alongside it.

Arithmetic runs in the caller's decimal context (28 significant digits by default): far
more than a cent needs for any amount below 10^20, so no local context is set up on the
hot path.
"""

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .const import DEFAULT_CURRENCY_EXPONENT, MAX_CURRENCY_EXPONENT
from .errors import ValidationFailure

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
NOT_A_NUMBER = "value_is_not_valid_number"

# A plain decimal literal: no whitespace, no underscores, no "NaN"/"Infinity" (which
# Decimal() would happily accept), an optional exponent.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
# One quantum per exponent, built once: quantize() is on the rating hot path.
_QUANTA = tuple(Decimal(1).scaleb(-exp) for exp in range(MAX_CURRENCY_EXPONENT + 1))


def to_decimal(value, field="value", code=NOT_A_NUMBER):
    """Parse a number into a finite ``Decimal``.

    :param value: ``Decimal``, ``int``, decimal ``str`` or ``float`` (converted via ``str``)
    :param str field: field path used in the error details
    :param str code: error code used when the value is not a number
    :return: the value; a negative zero comes back as a plain zero
    :rtype: Decimal
    :raise ValidationFailure: If the value is a bool, NaN, infinite or not a number
    """
    if type(value) is Decimal:  # fast path: the rating loop passes Decimals
        number = value
    elif isinstance(value, bool):
        raise ValidationFailure({field: [code]})
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationFailure({field: [code]})
        number = Decimal(str(value))
    elif isinstance(value, str) and _NUMBER.match(value):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    else:
        raise ValidationFailure({field: [code]})
    if not number.is_finite():
        raise ValidationFailure({field: [code]})
    if not number and number.is_signed():
        return number.copy_abs()
    return number


def check_exponent(exponent, field="currency_exponent"):
    """Return a valid currency exponent (number of decimal places).

    :param int exponent: 0 (JPY) to :data:`~engine.const.MAX_CURRENCY_EXPONENT`; 2 for CAD
    :rtype: int
    :raise ValidationFailure: ``invalid_currency_exponent`` if not such an int
    """
    if isinstance(exponent, bool) or not isinstance(exponent, int):
        raise ValidationFailure({field: ["invalid_currency_exponent"]})
    if not 0 <= exponent <= MAX_CURRENCY_EXPONENT:
        raise ValidationFailure({field: ["invalid_currency_exponent"]})
    return exponent


def quantum(exponent=DEFAULT_CURRENCY_EXPONENT):
    """The smallest currency unit as a ``Decimal`` (``Decimal("0.01")`` for exponent 2)."""
    return _QUANTA[check_exponent(exponent)]


def round_amount(amount, exponent=DEFAULT_CURRENCY_EXPONENT):
    """Round an amount half-up to the currency's precision (the single rounding step).

    :param amount: precise amount, major units (anything :func:`to_decimal` accepts)
    :param int exponent: decimal places of the currency
    :rtype: Decimal
    :raise ValidationFailure: If the exponent is invalid, or ``amount_out_of_range`` when
        the rounded amount does not fit the decimal context
    """
    if type(exponent) is not int or not 0 <= exponent <= MAX_CURRENCY_EXPONENT:
        check_exponent(exponent)  # raises with the right code (bool, negative, too big)
    try:
        return to_decimal(amount, "amount").quantize(_QUANTA[exponent], ROUND_HALF_UP)
    except InvalidOperation:
        raise ValidationFailure({"amount": ["amount_out_of_range"]}) from None


def to_cents(amount, exponent=DEFAULT_CURRENCY_EXPONENT):
    """Amount in minor units (Lago's ``amount_cents``), rounded half-up first if needed.

    :param amount: major units (anything :func:`to_decimal` accepts)
    :param int exponent: decimal places of the currency
    :rtype: int
    """
    rounded = round_amount(to_decimal(amount, "amount"), exponent)
    return int(rounded.scaleb(exponent))


def from_cents(cents, exponent=DEFAULT_CURRENCY_EXPONENT):
    """Major units from minor units: ``from_cents(1234) == Decimal("12.34")``.

    :param int cents: minor units
    :param int exponent: decimal places of the currency
    :rtype: Decimal
    :raise ValidationFailure: If ``cents`` is not an int (bools refused)
    """
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise ValidationFailure({"amount_cents": ["invalid_amount"]})
    return Decimal(cents).scaleb(-check_exponent(exponent))


def decimal_str(value):
    """Serialise a ``Decimal`` for JSON: plain notation, never an exponent; ``None`` stays.

    :rtype: str or None
    """
    if value is None:
        return None
    return format(value, "f")
