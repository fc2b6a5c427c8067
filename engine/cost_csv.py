# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A provider's bill as a CSV file, read into daily costs.

One row per line of the bill. Columns (header names in any case, blanks as ``_``):

* ``amount`` (required): in major units of the row's currency (``84.00``, ``-5.25`` for a
  credit);
* ``date``, or ``period_start`` and ``period_end``: a line for a period is spread over
  its days evenly, to the cent (the earlier days take the remainder cents);
* ``provider`` (unless the upload names one), ``currency`` (else the upload's),
  ``external_customer_id``, ``units`` (spread like the amount), ``unit``,
  ``billable_metric_code``.

Lines of the same day, provider, customer and source add up (a bill has several lines
per period). Every problem is reported by line number (the header is line 1), and a file
with any problem is refused whole.
"""

import csv
import io
from datetime import date

from .allocation import spread_over_days
from .checks import Problems
from .costs import provider_code
from .errors import ValidationFailure
from .money import ZERO, to_decimal

MAX_ROWS = 50_000
# Decimal places units are spread to.
UNIT_EXPONENT = 6
FIELDS = ("date", "period_start", "period_end", "amount", "currency", "provider",
          "external_customer_id", "units", "unit", "billable_metric_code")


def _column(name):
    return "_".join((name or "").strip().lower().split())


def read_rows(text):
    """The rows of a CSV text (comma or semicolon separated) as dicts of the known
    columns, numbered by line.

    :return: ``[(line number, {column: text})]``
    :rtype: list
    :raise ValidationFailure: ``file``: ``empty_file``, ``too_many_rows``,
        ``missing_column_amount``, ``missing_column_date``
    """
    if not text or not text.strip():
        raise ValidationFailure({"file": ["empty_file"]})
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = [_column(name) for name in next(reader, [])]
    missing = []
    if "amount" not in header:
        missing.append("missing_column_amount")
    if "date" not in header and not {"period_start", "period_end"} <= set(header):
        missing.append("missing_column_date")
    if missing:
        raise ValidationFailure({"file": missing})
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        if len(rows) == MAX_ROWS:
            raise ValidationFailure({"file": ["too_many_rows"]})
        row = {name: value.strip() for name, value in zip(header, values, strict=False)
               if name in FIELDS}
        rows.append((reader.line_num, row))
    return rows


def bill_costs(rows, *, provider=None, currency, exponents):
    """Daily raw costs (as :func:`engine.costs.judge_cost` reads them) from a bill's rows.

    :param list rows: ``[(line, {column: text})]`` from :func:`read_rows`
    :param str provider: the provider of rows without a ``provider`` column
    :param str currency: the currency of rows without a ``currency`` column
    :param Mapping exponents: ISO code -> exponent of the currencies that exist
    :return: ``(costs, lines)``: the raw costs, and for each the bill's line numbers it
        sums
    :rtype: tuple(list, list)
    :raise ValidationFailure: ``{"line <n>.<column>": [codes]}`` for every problem
    """
    problems = Problems()
    sums = {}
    for line, row in rows:
        row_problems = Problems()
        parsed = _row(row_problems, row, provider, currency, exponents)
        for path, codes in row_problems.details.items():
            for code in codes:
                problems.add(f"line {line}.{path}", code)
        if row_problems:
            continue
        name, customer, metric, unit, code, days, units = parsed
        for day, amount in days.items():
            key = (provider_code(name), customer, day)
            total = sums.setdefault(key, {"provider": name, "currency": code, "amount": ZERO,
                                          "units": None, "unit": unit, "metric": metric,
                                          "lines": []})
            if total["currency"] != code:
                problems.add(f"line {line}.currency", "several_currencies_for_one_day")
                continue
            total["amount"] += amount
            if units is not None:
                total["units"] = (total["units"] or 0) + units[day]
            total["unit"] = total["unit"] or unit
            total["metric"] = total["metric"] or metric
            total["lines"].append(line)
    problems.raise_if_any()
    costs, lines = [], []
    for (_code, customer, day), total in sorted(sums.items(), key=lambda item: (
            item[0][0], item[0][1] or "", item[0][2])):
        raw = {"provider": total["provider"], "date": day.isoformat(),
               # plain digits: the API's decimal text (no exponent)
               "precise_amount_cents": format(
                   total["amount"].scaleb(exponents[total["currency"]]), "f"),
               "amount_currency": total["currency"]}
        units = None if total["units"] is None else format(total["units"], "f")
        for field, value in (("external_customer_id", customer), ("unit", total["unit"]),
                             ("billable_metric_code", total["metric"]), ("units", units)):
            if value:
                raw[field] = value
        costs.append(raw)
        lines.append(sorted(set(total["lines"])))
    return costs, lines


def _row(problems, row, provider, currency, exponents):
    """One row's provider, customer, metric, unit, currency, amount per day and units
    per day (or ``None``), recording its problems."""
    name = row.get("provider") or provider
    if not name or not provider_code(name):
        problems.add("provider", "value_is_mandatory")
    code = (row.get("currency") or currency or "").upper()
    if code not in exponents:
        problems.add("currency", "currency_not_found")
    first, last = _period(problems, row)
    amount = _decimal(problems, row.get("amount"), "amount", required=True)
    units = _decimal(problems, row.get("units"), "units", required=False)
    if units is not None and units < 0:
        problems.add("units", "value_is_not_valid_number")
    if problems:
        return None
    try:
        days = spread_over_days(amount, first, last, exponents[code])
        unit_days = spread_over_days(units, first, last, UNIT_EXPONENT) \
            if units is not None else None
    except ValidationFailure as failure:
        problems.merge(failure)
        return None
    return (name, row.get("external_customer_id") or None,
            row.get("billable_metric_code") or None, row.get("unit") or None, code, days,
            unit_days)


def _period(problems, row):
    if row.get("date"):
        day = _date(problems, row["date"], "date")
        return day, day
    first = _date(problems, row.get("period_start"), "period_start")
    last = _date(problems, row.get("period_end"), "period_end")
    if first and last and last < first:
        problems.add("period_end", "before_period_start")
    return first, last


def _date(problems, value, path):
    if not value:
        problems.add(path, "value_is_mandatory")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add(path, "invalid_date")
        return None


def _decimal(problems, value, path, *, required):
    if not value:
        if required:
            problems.add(path, "value_is_mandatory")
        return None
    try:
        return to_decimal(value.replace(" ", ""), path)
    except ValidationFailure:
        problems.add(path, "value_is_not_valid_number")
        return None

