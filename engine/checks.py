# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Collect-all validation helpers shared by the engine's validators.

Validators never stop at the first problem: they record each one as ``path -> [codes]``
in a :class:`Problems` and raise a single :class:`~engine.errors.ValidationFailure` at the
end, the shape of Lago's ``error_details``. The field parsers below return ``None`` after
recording a problem, so a validator can go on checking the other fields.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from .errors import ValidationFailure
from .money import ZERO, to_decimal

# What counts as blank around a text. ASCII only, so the API's published patterns
# (docs/openapi.yaml) mean the same in every regex dialect (Python's ``\s`` and
# ``str.strip`` also take ``\x1c``-``\x1f``; ECMAScript's do not).
BLANKS = " \t\n\r\f\v"
# A date or an RFC 3339 date-time (seconds required, fraction optional; without an offset
# the time is UTC) from 1970 to 2099, every day of it a real one (29 February in leap
# years only): the API's dates and instants, as docs/openapi.yaml states them. Nothing
# else of ISO 8601 (week dates, basic format, ...); nothing a billing period can overflow.
_YEAR = "(19[7-9][0-9]|20[0-9][0-9])"
_MONTH_DAY = ("((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
              "|02-(0[1-9]|1[0-9]|2[0-8]))")
_LEAP_DAY = "(19(7[26]|8[048]|9[26])|20([02468][048]|[13579][26]))-02-29"
_TIME = ("[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?"
         "([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?")
INSTANT_PATTERN = f"^({_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})({_TIME})?$"
_INSTANT = re.compile(INSTANT_PATTERN, re.ASCII)
_PARTS = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:.(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))?)?\Z",
    re.ASCII,
)


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
    """Parse a short text (an id, a code, a name): a JSON string.

    :param Problems problems: where a problem is recorded
    :param value: raw value (``None`` or blank means absent)
    :param str path: field path for the error
    :param bool required: whether absence is a problem (``value_is_mandatory``)
    :param int limit: longest accepted length, blanks included (``value_is_too_long``)
    :param str type_code: code for a value of another type
    :param bool strip: whether surrounding blanks (:data:`BLANKS`) are removed
    :return: the text, or ``None`` if absent or invalid
    """
    if value is None or (isinstance(value, str) and not value.strip(BLANKS)):
        if required:
            problems.add(path, "value_is_mandatory")
        return None
    if not isinstance(value, str):
        problems.add(path, type_code)
        return None
    if "\x00" in value:  # PostgreSQL stores no NUL character
        problems.add(path, "invalid_format")
        return None
    if len(value) > limit:
        problems.add(path, "value_is_too_long")
        return None
    return value.strip(BLANKS) if strip else value


def parse_iso_instant(text):
    """An instant written as a date (``2026-11-24``: its midnight) or an RFC 3339
    date-time (``2026-11-24T10:00:00Z``, ``...-05:00``; no offset: UTC), from 1970 to
    2099 (:data:`INSTANT_PATTERN`).

    :rtype: datetime (UTC-aware)
    :raise ValueError: when the text is neither
    """
    if not (isinstance(text, str) and _INSTANT.fullmatch(text)):
        raise ValueError(f"not a date or an RFC 3339 date-time of 1970 to 2099: {text!r}")
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = \
        _PARTS.match(text).groups()
    if hour is None:
        return datetime(int(year), int(month), int(day), tzinfo=UTC)
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                     micros, tzinfo=UTC)
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        stamp = stamp - offset if sign == "+" else stamp + offset
    return stamp


def parse_iso_date(text):
    """The UTC date of :func:`parse_iso_instant` (a date as it is). :raise ValueError:"""
    return parse_iso_instant(text).date()


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
