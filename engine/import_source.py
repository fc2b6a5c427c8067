# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The source contract of the import (``docs/import-source.sql``), CSV reading, and the
per-row result as CSV.

The same rows come from either source: a PostgreSQL database (the wizard selects
:data:`COLUMNS` of each table, casting ids to text and prices to text so they reach the
engine as exact decimals) or one CSV file per table with those columns as its header.
In a CSV file an empty cell is NULL: a price of zero is written ``0`` or ``0.00``.
"""

import csv
import io

from .errors import EngineError
from .import_rows import CUSTOMERS, OUTCOMES, PLANS, SUBSCRIPTIONS

# table -> columns read, in order. Extra columns of the source are ignored.
COLUMNS = {
    CUSTOMERS: ("id", "email", "name", "stripe_customer_id"),
    PLANS: ("code", "monthly_price", "yearly_price"),
    SUBSCRIPTIONS: (
        "id", "customer_id", "plan_code", "billing_cycle", "status",
        "current_period_start", "current_period_end",
        "stripe_subscription_id", "stripe_payment_method_id",
    ),
}
# Columns read as text from PostgreSQL: ids of any type, and prices (numeric -> exact
# text, never a float). Period columns come as dates.
TEXT_COLUMNS = frozenset({
    "id", "customer_id", "code", "plan_code", "monthly_price", "yearly_price",
})
RESULT_HEADER = ("table", "key", "outcome", "reason", "error_type")


class SourceError(EngineError):
    """The source as a whole cannot be read (a file, a table or a column is missing)."""


def read_csv(data, table, columns=None):
    """Rows of one table from its CSV export.

    :param bytes data: the file's content, UTF-8 (a byte-order mark is allowed)
    :param str table: ``customers``, ``plans`` or ``subscriptions`` (or another table of
        ``columns``)
    :param dict columns: table -> columns read (default: the import's :data:`COLUMNS`)
    :return: one dict per row, column -> text, ``None`` for an empty cell (NULL)
    :rtype: list[dict]
    :raise SourceError: If the file is not UTF-8 CSV or lacks a column of the contract
    """
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"the {table} file is not UTF-8 text") from None
    names = (columns or COLUMNS)[table]
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in names if column not in header]
    if missing:
        raise SourceError(
            f"the {table} file has no column {', '.join(missing)} "
            f"(expected: {', '.join(names)})")
    reader.fieldnames = header
    rows = []
    try:
        for raw in reader:
            rows.append({column: (raw.get(column) or None) for column in names})
    except csv.Error as error:
        raise SourceError(f"the {table} file is not valid CSV: {error}") from None
    return rows


def results_csv(rows, outcomes=OUTCOMES):
    """The per-row result of a run as CSV text, one line per source row.

    :param rows: iterables of ``(table, key, outcome, reason, error_type)``
    :param outcomes: the outcomes a row may have (a Lago mirror's add ``unchanged``)
    :rtype: str
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RESULT_HEADER)
    for table, key, outcome, reason, error_type in rows:
        if outcome not in outcomes:
            raise ValueError(f"unknown outcome {outcome!r}")
        writer.writerow([table, safe_cell(key), outcome, safe_cell(reason),
                         error_type or ""])
    return out.getvalue()


def safe_cell(value):
    """Neutralise a cell a spreadsheet would run as a formula (CSV injection): source
    ids and reasons come from the app's data."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def counts(outcomes):
    """``{outcome: number}`` for every outcome, zeros included.

    :param outcomes: iterable of outcome strings
    :rtype: dict
    """
    total = dict.fromkeys(OUTCOMES, 0)
    for outcome in outcomes:
        total[outcome] += 1
    return total
