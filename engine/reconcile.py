# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Dual-run reconciliation: how far Odoo's amount is from the app's own.

The delta is Odoo minus the app, so a positive delta means Odoo would bill more.
A line matches when the absolute delta is within the tolerance; a line whose app
amount has not been reported yet is pending, never a match.
"""

from decimal import Decimal

from .errors import ValidationFailure

PENDING = "pending"
MATCHED = "matched"
MISMATCH = "mismatch"


def _amount(value, field):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal, float)):
        raise ValidationFailure({field: ["invalid_amount"]})
    # Odoo hands Monetary values over as floats; str() keeps the value that was typed.
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def compare(odoo_amount, app_amount, tolerance):
    """Compare Odoo's and the app's amounts for one line.

    :param odoo_amount: what Odoo computed (major units)
    :param app_amount: what the app reported, or ``None`` when not reported yet
    :param tolerance: the largest absolute delta that still matches (>= 0)
    :return: ``(delta, state)``; ``delta`` is ``None`` while pending
    :rtype: tuple
    :raise ValidationFailure: If the tolerance is negative
    """
    odoo = _amount(odoo_amount, "odoo_amount") or Decimal(0)
    app = _amount(app_amount, "app_amount")
    limit = _amount(tolerance, "tolerance") or Decimal(0)
    if limit < 0:
        raise ValidationFailure({"tolerance": ["invalid_tolerance"]})
    if app is None:
        return None, PENDING
    delta = odoo - app
    return delta, (MATCHED if abs(delta) <= limit else MISMATCH)
