# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Two transactions inserting the same key at once."""

import contextlib

from psycopg2.errors import UniqueViolation

from odoo.exceptions import ConcurrencyError


@contextlib.contextmanager
def concurrent_insert(cr):
    """Insert rows whose keys were looked up first: a duplicate key then means a twin
    transaction committed the same row in between. Odoo retries a request (and our
    crons' next run retries a batch) on a ``ConcurrencyError``; the retry finds the row.
    Without this, the duplicate would be an ``IntegrityError``, which Odoo answers as a
    user error and never retries. (The ORM's insert still logs the refused statement once
    at ERROR, as Odoo logs every failed query; the retry that follows answers.)"""
    try:
        with cr.savepoint():
            yield
    except UniqueViolation as error:
        raise ConcurrencyError(
            f"a concurrent transaction inserted the same key ({error.diag.constraint_name})"
        ) from error
