# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The app's own invoices during the dual run: one shape, whichever way they come in.

Every way in (the API's ``reconciliation/app_invoices``, the app's ``invoices`` and
``invoice_lines`` tables or their CSV export, Lago's invoices) hands the model plain dicts
of one shape, judged here::

    {"invoice_id": "inv_2026_10_0042", "external_subscription_id": "sub_42",
     "from_date": date(2026, 10, 1), "to_date": date(2026, 10, 31),
     "currency": "CAD", "amount_cents": 7203,
     "fees": [{"billable_metric_code": "api_calls", "amount_cents": 1700}, ...]}

``amount_cents`` is the invoice's total before taxes (Lago's ``fees_amount_cents``), an
integer in the currency's minor units, as on Lago's wire; the fees are the per-metric
amounts of that total (a plan's fee is in the total, not among the fees). Dates are the
service period the invoice covers, ``to_date`` inclusive. ``invoice_id`` is the
idempotency key within a service: a resend replaces the earlier figures (their trace is
kept by the model).
"""

import contextlib
import re
from collections.abc import Mapping
from datetime import date

from .checks import Problems, integer_field, text_field
from .errors import ValidationFailure
from .ingest import MAX_ID_LENGTH

MAX_BATCH = 100
SOURCES = ("api", "database", "csv", "lago")
# Amounts in cents are kept in an Odoo Integer (a PostgreSQL integer): an app invoice of
# 21,474,836.47 CAD or more before taxes is refused (invalid_amount), never a crash.
MAX_CENTS = 2**31
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
# The app's billing tables (docs/import-source.sql), optional: table -> columns read.
INVOICES, INVOICE_LINES = "invoices", "invoice_lines"
SOURCE_COLUMNS = {
    INVOICES: ("id", "subscription_id", "period_start", "period_end", "currency",
               "amount_cents"),
    INVOICE_LINES: ("invoice_id", "billable_metric_code", "amount_cents"),
}
# Read as text from PostgreSQL: ids of any type and amounts (exact, never a float).
SOURCE_TEXT_COLUMNS = frozenset({"id", "subscription_id", "invoice_id", "amount_cents"})
FIELDS = ("invoice_id", "external_subscription_id", "from_date", "to_date", "currency",
          "amount_cents", "fees")


def validate(raw, path=""):
    """Judge one app invoice: the clean dict, or every problem at once.

    Dates may be ``date`` objects or ISO ``YYYY-MM-DD`` strings; the currency is an ISO
    4217 code (any case); amounts are whole cents (``1234`` or ``"1234"``; ``12.34`` is
    refused: a fraction of a cent is not an amount an invoice carries).

    :param Mapping raw: the invoice as it came in
    :param str path: prefix of the error paths (``"3."`` for the fourth of a batch)
    :return: the clean invoice, fees in the order given
    :rtype: dict
    :raise ValidationFailure: with every problem, Lago's ``error_details`` shape
    """
    if not isinstance(raw, Mapping):
        raise ValidationFailure({path.rstrip(".") or "app_invoice": ["invalid_type"]})
    problems = Problems()
    clean = {
        "invoice_id": text_field(problems, raw.get("invoice_id"), f"{path}invoice_id",
                                 limit=MAX_ID_LENGTH),
        "external_subscription_id": text_field(
            problems, raw.get("external_subscription_id"),
            f"{path}external_subscription_id", limit=MAX_ID_LENGTH),
        "from_date": _date(problems, raw.get("from_date"), f"{path}from_date"),
        "to_date": _date(problems, raw.get("to_date"), f"{path}to_date"),
        "currency": _currency(problems, raw.get("currency"), f"{path}currency"),
        "amount_cents": cents(problems, raw.get("amount_cents"), f"{path}amount_cents"),
        "fees": _fees(problems, raw.get("fees"), f"{path}fees"),
    }
    if clean["from_date"] and clean["to_date"] and clean["to_date"] < clean["from_date"]:
        problems.add(f"{path}to_date", "to_date_before_from_date")
    problems.raise_if_any()
    return clean


def check_batch_size(items):
    """One API call carries 1 to :data:`MAX_BATCH` invoices, as Lago's event batch.

    :raise ValidationFailure: ``app_invoices: no_app_invoices`` / ``too_many_app_invoices``
    """
    if not items:
        raise ValidationFailure({"app_invoices": ["no_app_invoices"]})
    if len(items) > MAX_BATCH:
        raise ValidationFailure({"app_invoices": ["too_many_app_invoices"]})


def validate_batch(items):
    """Judge a batch of 1 to :data:`MAX_BATCH` app invoices.

    :param list items: raw invoices
    :return: ``(clean, errors)``: the clean invoices in order (``None`` where invalid)
        and ``{index: {field: [codes]}}`` (Lago's batch errors, keyed by index as text)
    :rtype: tuple
    """
    clean, errors = [], {}
    seen = {}
    for index, raw in enumerate(items):
        try:
            invoice = validate(raw)
        except ValidationFailure as failure:
            errors[str(index)] = failure.details
            clean.append(None)
            continue
        first = seen.setdefault(invoice["invoice_id"], index)
        if first != index:  # one batch, one figure per invoice: which one would win?
            errors[str(index)] = {"invoice_id": ["duplicated_in_batch"]}
            clean.append(None)
            continue
        clean.append(invoice)
    return clean, errors


def figures(invoice):
    """The figures of a clean invoice as JSON-safe values (the trace of a resend, the
    API's answer).

    :rtype: dict
    """
    return {
        "invoice_id": invoice["invoice_id"],
        "external_subscription_id": invoice["external_subscription_id"],
        "from_date": invoice["from_date"].isoformat(),
        "to_date": invoice["to_date"].isoformat(),
        "currency": invoice["currency"],
        "amount_cents": invoice["amount_cents"],
        "fees": [dict(fee) for fee in invoice["fees"]],
    }


def same_figures(stored, invoice):
    """Whether a resend says exactly what is stored (then nothing changes).

    :param dict stored: :func:`figures` of the stored invoice
    :param dict invoice: the clean resend
    """
    return stored == figures(invoice)


def from_source(invoice_rows, line_rows):
    """App invoices from the app's ``invoices`` and ``invoice_lines`` tables (or CSV).

    A line whose ``billable_metric_code`` is NULL (a plan's fee, a one-off) is part of the
    invoice's total and of no per-metric comparison; lines of one metric add up. A line
    of an invoice not in ``invoices`` is ignored (the app's own orphan).

    :param list invoice_rows: dicts with ``id, subscription_id, period_start,
        period_end, currency, amount_cents``
    :param list line_rows: dicts with ``invoice_id, billable_metric_code, amount_cents``
    :return: raw invoices of the shape :func:`validate` takes, in the rows' order, and
        the problems of lines (``{invoice id: {path: [codes]}}``)
    :rtype: tuple
    """
    fees, bad_lines = {}, {}
    for number, line in enumerate(line_rows):
        code = line.get("billable_metric_code")
        if code is None or (isinstance(code, str) and not code.strip()):
            continue
        key = str(line.get("invoice_id"))
        problems = Problems()
        amount = cents(problems, line.get("amount_cents"), f"invoice_lines.{number}")
        if problems:
            bad_lines.setdefault(key, {}).update(problems.details)
            continue
        per_metric = fees.setdefault(key, {})
        per_metric[code.strip()] = per_metric.get(code.strip(), 0) + amount
    invoices = [{
        # An app's ids may be integers in its tables: ids are text on the wire.
        "invoice_id": _id_text(row.get("id")),
        "external_subscription_id": _id_text(row.get("subscription_id")),
        "from_date": row.get("period_start"),
        "to_date": row.get("period_end"),
        "currency": row.get("currency"),
        "amount_cents": row.get("amount_cents"),
        "fees": [{"billable_metric_code": code, "amount_cents": amount}
                 for code, amount in fees.get(str(row.get("id")), {}).items()],
    } for row in invoice_rows]
    return invoices, bad_lines


def _id_text(value):
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def cents(problems, value, path):
    """A whole number of cents (``1234``, ``"1234"``, JSON's ``1234.0``), or ``None`` after
    recording ``value_is_mandatory`` or ``invalid_amount``."""
    if value is None:
        problems.add(path, "value_is_mandatory")
        return None
    if isinstance(value, str):
        value = value.strip()  # an app's text column may pad its digits
    amount = integer_field(problems, value, path, "invalid_amount", minimum=1 - MAX_CENTS)
    if amount is not None and amount >= MAX_CENTS:
        problems.add(path, "invalid_amount")
        return None
    return amount


def _date(problems, value, path):
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if value is None or value == "":
        problems.add(path, "value_is_mandatory")
        return None
    day = None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        with contextlib.suppress(ValueError):  # 2026-02-30: the shape of a date, no day
            day = date.fromisoformat(value.strip())
    if day is None:
        problems.add(path, "invalid_date")
    return day


def _currency(problems, value, path):
    text = text_field(problems, value, path, limit=3)
    if text is None:
        return None
    text = text.upper()
    if not _CURRENCY.match(text):
        problems.add(path, "currencies_does_not_exist")
        return None
    return text


def _fees(problems, value, path):
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        problems.add(path, "invalid_type")
        return []
    fees, codes = [], set()
    for index, fee in enumerate(value):
        where = f"{path}.{index}"
        if not isinstance(fee, Mapping):
            problems.add(where, "invalid_type")
            continue
        code = text_field(problems, fee.get("billable_metric_code"),
                          f"{where}.billable_metric_code", limit=MAX_ID_LENGTH)
        amount = cents(problems, fee.get("amount_cents"), f"{where}.amount_cents")
        if code is not None and code in codes:
            problems.add(f"{where}.billable_metric_code", "value_already_exist")
            continue
        if code is not None and amount is not None:
            codes.add(code)
            fees.append({"billable_metric_code": code, "amount_cents": amount})
    return fees
