# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Collect-all validation helpers shared by the engine's validators.

Validators never stop at the first problem: they record each one as ``path -> [codes]``
in a :class:`Problems` and raise a single :class:`~engine.errors.ValidationFailure` at the
end, the shape of Lago's ``error_details``. The field parsers below return ``None`` after
recording a problem, so a validator can go on checking the other fields.
"""

from collections.abc import Iterable, Mapping

from .errors import ValidationFailure
from .money import ZERO, to_decimal


class Problems:
    """An ordered ``path -> [codes]`` map of everything wrong with one input."""

    def __init__(self):
        self.details = {}

    def __bool__(self):
        return bool(self.details)

    def add(self, path, code):
        """Record ``code`` at ``path`` (once).

        :param str path: dotted field path, e.g. ``"graduated_ranges.1.to_value"``
        :param str code: stable error code
        """
        codes = self.details.setdefault(path, [])
        if code not in codes:
            codes.append(code)

    def merge(self, failure):
        """Record every problem of a :class:`ValidationFailure` raised by a sub-validator."""
        for path, codes in failure.details.items():
            for code in codes:
                self.add(path, code)

    def raise_if_any(self):
        """:raise ValidationFailure: with every recorded problem, if there is one"""
        if self.details:
            raise ValidationFailure(self.details)


def decimal_field(problems, value, path, code, *, required=True, minimum=ZERO):
    """Parse a decimal field that must be ``>= minimum`` (non-negative by default).

    :param Problems problems: where a problem is recorded
    :param value: raw value (``None`` means absent)
    :param str path: field path for the error
    :param str code: error code for a missing, non-numeric or too small value
    :param bool required: whether ``None`` is a problem
    :param Decimal minimum: smallest accepted value, or ``None`` for no bound
    :return: the ``Decimal``, or ``None`` if absent or invalid
    """
    if value is None:
        if required:
            problems.add(path, code)
        return None
    try:
        number = to_decimal(value, path)
    except ValidationFailure:
        problems.add(path, code)
        return None
    if minimum is not None and number < minimum:
        problems.add(path, code)
        return None
    return number


def text_field(problems, value, path, *, required=True, limit=255, type_code="invalid_type",
               strip=True):
    """Parse a short text (an id, a code, a name): a string or a whole number.

    :param Problems problems: where a problem is recorded
    :param value: raw value (``None`` or blank means absent)
    :param str path: field path for the error
    :param bool required: whether absence is a problem (``value_is_mandatory``)
    :param int limit: longest accepted length (``value_is_too_long``)
    :param str type_code: code for a value of another type
    :param bool strip: whether surrounding blanks are removed
    :return: the text, or ``None`` if absent or invalid
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(path, "value_is_mandatory")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        problems.add(path, type_code)
        return None
    text = str(value).strip() if strip else str(value)
    if "\x00" in text:  # PostgreSQL stores no NUL character
        problems.add(path, "invalid_format")
        return None
    if len(text) > limit:
        problems.add(path, "value_is_too_long")
        return None
    return text


def integer_field(problems, value, path, code, *, required=True, minimum=0):
    """Parse a whole-number field (``10``, ``"10"``, ``10.0`` are all 10; ``10.5`` is not).

    :param Problems problems: where a problem is recorded
    :param value: raw value (``None`` means absent)
    :param str path: field path for the error
    :param str code: error code for a missing, non-integral or too small value
    :param bool required: whether ``None`` is a problem
    :param int minimum: smallest accepted value
    :return: the ``int``, or ``None`` if absent or invalid
    """
    number = decimal_field(problems, value, path, code, required=required, minimum=None)
    if number is None:
        return None
    if number != number.to_integral_value() or number < minimum:
        problems.add(path, code)
        return None
    return int(number)


def non_negative(value, field, code):
    """Parse a quantity that must be ``>= 0``.

    :raise ValidationFailure: ``value_is_not_valid_number`` or ``code`` if negative
    """
    number = to_decimal(value, field)
    if number < 0:
        raise ValidationFailure({field: [code]})
    return number


def parse_events(events, field="events"):
    """Parse the per-push values handed to percentage pricing (``None`` stays ``None``).

    :param events: iterable of numbers ``>= 0``, in push order
    :rtype: tuple or None
    :raise ValidationFailure: with every bad item, at ``events.<index>``
    """
    if events is None:
        return None
    if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Iterable):
        raise ValidationFailure({field: ["invalid_type"]})
    problems = Problems()
    values = []
    for index, value in enumerate(events):
        path = f"{field}.{index}"
        number = decimal_field(problems, value, path, "value_is_not_valid_number", minimum=None)
        if number is not None and number < 0:
            problems.add(path, "negative_value")
        values.append(number)
    problems.raise_if_any()
    return tuple(values)
