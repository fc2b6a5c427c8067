# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Provider costs: what the providers behind a service cost, per day.

A cost is identified by its **source** (who reports it: ``api``, ``csv``, a bridged Odoo
model), its **provider** (OpenAI, Google Maps, Twilio), its **customer** (when the source
knows it) and its **day**, within a service: a resend of the same key replaces the stored
amount (the model keeps the replaced figures as a revision), an identical resend changes
nothing.

Everything decided about a cost is decided here: which fields it needs and their codes,
the conversion to the company's currency with the day's rate, rounded once, and whether a
resend changes anything. The model looks up currencies, rates, customers and metrics and
hands them over as plain values.

Error codes are Lago's where Lago has one (``value_is_mandatory``, ``invalid_date``,
``value_is_not_valid_number``, ``customer_not_found``, ``metric_not_found``) and our own,
stable, otherwise.
"""

import re
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .checks import BLANKS, Problems, text_field
from .errors import ValidationFailure
from .money import NOT_A_NUMBER, round_amount, to_cents, to_decimal
from .serializers import iso

MAX_BATCH = 100
# The source of a cost that does not say: the API's own.
API_SOURCE = "api"
# A day's cost of one provider for one customer: anything this large is a bug upstream.
MAX_AMOUNT = Decimal("1e13")
MAX_UNITS = Decimal("1e15")
MAX_TEXT = 255
# Decimal places of an exchange rate on the wire (the stored rate is exact).
RATE_PLACES = 12
# A decimal text as docs/openapi.yaml states it (its patterns are these): plain, no
# exponent, at most 15 digits before the point: a precise amount in cents of a currency
# with 2 decimals stays under MAX_AMOUNT, units under MAX_UNITS.
AMOUNT_TEXT_PATTERN = r"^[+-]?0*([0-9]{1,15}([.][0-9]*)?|[.][0-9]+)$"
UNITS_TEXT_PATTERN = r"^([+]?0*([0-9]{1,15}([.][0-9]*)?|[.][0-9]+))?$"
_AMOUNT_TEXT = re.compile(AMOUNT_TEXT_PATTERN[1:-1])
_UNITS_TEXT = re.compile(UNITS_TEXT_PATTERN[1:-1])

# Outcomes of a stored cost.
CREATED = "created"
UNCHANGED = "unchanged"
REPLACED = "replaced"


class CleanCost(NamedTuple):
    """A cost that passed every check, in the currency it was reported in."""

    day: date
    provider: str  # the provider's code: lower case, as the look-ups use it
    provider_name: str  # as the source wrote it (the name of a provider seen first)
    external_customer_id: str | None
    amount: Decimal  # major units of ``currency``
    currency: str  # ISO 4217, upper case
    units: Decimal | None
    unit: str | None
    metric_code: str | None
    source: str


class Figures(NamedTuple):
    """What a cost says, in the company's currency and as reported: what a resend is
    compared on, and what a revision keeps."""

    amount: Decimal  # company currency, rounded to its cent
    original_amount: Decimal | None  # as reported, when its currency is another one
    original_currency: str | None
    rate: Decimal | None  # company currency units for one unit of the original
    units: Decimal | None
    unit: str | None
    metric_code: str | None


def provider_code(value):
    """The provider's code a name stands for: trimmed, lower case, inner blanks as ``_``
    (``"Google Maps"`` -> ``google_maps``), or ``None`` when it cannot be one."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    # The blanks texts are trimmed of (BLANKS), so that every text the API accepts as a
    # provider (docs/openapi.yaml: Id) names one.
    code = "_".join(re.split(f"[{re.escape(BLANKS)}]+", str(value).strip(BLANKS))).lower()
    return code or None


def check_batch_size(items):
    """:raise ValidationFailure: ``costs: invalid_format`` / ``no_costs`` /
    ``too_many_costs``"""
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, list):
        raise ValidationFailure({"costs": ["invalid_format"]})
    if not items:
        raise ValidationFailure({"costs": ["no_costs"]})
    if len(items) > MAX_BATCH:
        raise ValidationFailure({"costs": ["too_many_costs"]})


def judge_cost(raw, *, today, currencies, company_currency, source=API_SOURCE):
    """Check one raw cost.

    :param Mapping raw: ``provider``, ``date`` (``YYYY-MM-DD``), ``amount_cents`` (a whole
        number of the currency's minor unit) or ``precise_amount_cents`` (a decimal, for
        sub-cent costs), ``amount_currency`` (ISO 4217; the company's when absent), and
        optionally ``external_customer_id``, ``units``, ``unit``,
        ``billable_metric_code``, ``source``
    :param date today: the company's today: a cost is for a day that has begun
    :param Mapping currencies: ISO code -> exponent of the currencies that exist
    :param str company_currency: ISO code of the company's currency
    :param str source: the source when the cost names none
    :rtype: CleanCost
    :raise ValidationFailure: with every problem, field paths as in the cost
    """
    if not isinstance(raw, Mapping):
        raise ValidationFailure({"cost": ["invalid_format"]})
    problems = Problems()
    provider_name = text_field(problems, raw.get("provider"), "provider", limit=MAX_TEXT,
                               type_code="invalid_format")
    provider = provider_code(provider_name) if provider_name else None
    day = _day(problems, raw.get("date"), today)
    currency = _currency(problems, raw.get("amount_currency"), currencies, company_currency)
    amount = _amount(problems, raw, currencies.get(currency))
    customer = text_field(problems, raw.get("external_customer_id"), "external_customer_id",
                          required=False, limit=MAX_TEXT, type_code="invalid_format",
                          strip=False)
    units = _units(problems, raw.get("units"))
    unit = text_field(problems, raw.get("unit"), "unit", required=False, limit=64)
    metric = text_field(problems, raw.get("billable_metric_code"), "billable_metric_code",
                        required=False, limit=MAX_TEXT, type_code="invalid_format")
    source = text_field(problems, raw.get("source"), "source", required=False, limit=64,
                        type_code="invalid_format") or source
    problems.raise_if_any()
    return CleanCost(day, provider, provider_name, customer, amount, currency, units, unit,
                     metric, source)


def _day(problems, value, today):
    if value is None or value == "":
        problems.add("date", "value_is_mandatory")
        return None
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        problems.add("date", "invalid_date")
    elif day > today:
        problems.add("date", "date_in_the_future")
    return day


def _currency(problems, value, currencies, company_currency):
    if value is None or value == "":
        return company_currency
    if not isinstance(value, str) or value.strip().upper() not in currencies:
        problems.add("amount_currency", "currency_not_found")
        return None
    return value.strip().upper()


def _amount(problems, raw, exponent):
    """The amount in major units, from ``amount_cents`` or ``precise_amount_cents``."""
    cents, precise = raw.get("amount_cents"), raw.get("precise_amount_cents")
    if cents is None and precise is None:
        problems.add("amount_cents", "value_is_mandatory")
        return None
    if cents is not None and precise is not None:
        problems.add("precise_amount_cents", "only_one_amount")
        return None
    path = "amount_cents" if precise is None else "precise_amount_cents"
    if isinstance(precise, str) and not _AMOUNT_TEXT.fullmatch(precise):
        problems.add(path, NOT_A_NUMBER)
        return None
    try:
        number = to_decimal(cents if precise is None else precise, path)
    except ValidationFailure:
        problems.add(path, NOT_A_NUMBER)
        return None
    # Cents are whole (sub-cent goes in precise); JSON's 1234.0 is the integer 1234.
    if precise is None and number != number.to_integral_value():
        problems.add(path, "invalid_amount")
        return None
    if exponent is None:
        return None  # the currency is wrong: recorded already
    amount = number.scaleb(-exponent)
    if abs(amount) >= MAX_AMOUNT:
        problems.add(path, NOT_A_NUMBER)
        return None
    return amount


def _units(problems, value):
    if value is None or value == "":
        return None
    if isinstance(value, str) and not _UNITS_TEXT.fullmatch(value):
        problems.add("units", NOT_A_NUMBER)
        return None
    try:
        number = to_decimal(value, "units")
    except ValidationFailure:
        problems.add("units", NOT_A_NUMBER)
        return None
    if number < 0 or number >= MAX_UNITS:
        problems.add("units", NOT_A_NUMBER)
        return None
    return number


def convert(amount, from_rate, to_rate, exponent):
    """An amount in the company's currency, rounded once, half-up, to its cent.

    Odoo's rates are units of a currency for one unit of the company's: ``amount x
    to_rate / from_rate`` (both rates of the cost's day).

    :param Decimal amount: major units of the original currency
    :param Decimal from_rate: the original currency's rate
    :param Decimal to_rate: the company currency's rate (1 unless the company keeps its
        own currency's rates)
    :param int exponent: decimal places of the company's currency
    :return: ``(amount, rate)``: the converted amount and the rate applied
    :rtype: tuple
    :raise ValidationFailure: ``amount_currency: exchange_rate_missing`` for a rate that
        is not a positive number
    """
    if not from_rate or not to_rate or from_rate <= 0 or to_rate <= 0:
        raise ValidationFailure({"amount_currency": ["exchange_rate_missing"]})
    rate = to_decimal(to_rate) / to_decimal(from_rate)
    return round_amount(amount * rate, exponent), rate


def figures(cost, company_currency, exponent, rates=None):
    """The stored figures of a clean cost.

    :param CleanCost cost: the cost
    :param str company_currency: ISO code of the company's currency
    :param int exponent: decimal places of the company's currency
    :param Mapping rates: ``(currency, day) -> (from_rate, to_rate)`` for costs in other
        currencies
    :rtype: Figures
    :raise ValidationFailure: ``amount_currency: exchange_rate_missing``
    """
    if cost.currency == company_currency:
        return Figures(round_amount(cost.amount, exponent), None, None, None,
                       cost.units, cost.unit, cost.metric_code)
    from_rate, to_rate = (rates or {}).get((cost.currency, cost.day), (None, None))
    amount, rate = convert(cost.amount, from_rate, to_rate, exponent)
    return Figures(amount, cost.amount, cost.currency, rate, cost.units, cost.unit,
                   cost.metric_code)


def verdict(stored, new):
    """What a cost does to the one stored under its key.

    :param Figures stored: the stored figures, or ``None`` when the key is new
    :param Figures new: the new figures
    :return: :data:`CREATED`, :data:`UNCHANGED` (an identical resend) or :data:`REPLACED`
    :rtype: str
    """
    if stored is None:
        return CREATED
    return UNCHANGED if same_figures(stored, new) else REPLACED


def same_figures(stored, new):
    """Whether two figures say the same (numbers compared as numbers: ``1.50 == 1.5``)."""
    return (stored.amount == new.amount
            and stored.original_amount == new.original_amount
            and (stored.original_currency or None) == (new.original_currency or None)
            and stored.units == new.units
            and (stored.unit or None) == (new.unit or None)
            and (stored.metric_code or None) == (new.metric_code or None))


def duplicates(keys):
    """Indexes whose key appeared earlier in the same batch: which one should win would
    depend on the order, so the batch is refused (``duplicated_in_batch``).

    :param list keys: a hashable key per cost, or ``None`` for costs that failed
    :rtype: set
    """
    seen, clashes = set(), set()
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in seen:
            clashes.add(index)
        seen.add(key)
    return clashes


def cost_object(values):
    """Lago-style object of a stored cost (``POST /costs`` answers a list of them).

    :param Mapping values: ``lago_id``, ``provider``, ``date``, ``external_customer_id``,
        ``amount`` (Decimal, company currency), ``currency``, ``exponent``,
        ``original_amount``, ``original_currency``, ``original_exponent``, ``rate``,
        ``units``, ``unit``, ``billable_metric_code``, ``source``, ``revision``,
        ``status`` (created, unchanged, replaced), ``created_at``, ``updated_at``
    :rtype: dict
    """
    original = values.get("original_currency")
    return {
        "lago_id": values["lago_id"],
        "provider": values["provider"],
        "date": iso(values["date"]),
        "external_customer_id": values.get("external_customer_id"),
        "amount_cents": to_cents(values["amount"], values["exponent"]),
        "amount_currency": values["currency"],
        "original_amount_cents": to_cents(values["original_amount"], values["original_exponent"])
        if original else None,
        "original_currency": original or None,
        "exchange_rate": _plain_decimal(values.get("rate"), RATE_PLACES) if original else None,
        "units": _plain_decimal(values.get("units")),
        "unit": values.get("unit") or None,
        "billable_metric_code": values.get("billable_metric_code") or None,
        "source": values["source"],
        "revision": values.get("revision", 0),
        "status": values.get("status"),
        "created_at": iso(values.get("created_at")),
        "updated_at": iso(values.get("updated_at")),
    }


def _plain_decimal(value, places=None):
    """A decimal as plain text without trailing zeros (``12000.000000`` -> ``12000``)."""
    if value is None:
        return None
    number = to_decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return format(number.normalize(), "f")

