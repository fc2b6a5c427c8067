# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Dual-run reconciliation: Odoo's figure beside the app's, and when a service is ready.

One line compares one (service, subscription, period, metric or total). Amounts are
compared in whole cents, so the tolerance's edges fall on the cent. The **difference**
is Odoo minus the app: positive means Odoo would bill more.

Statuses, in the order finance reads them (:data:`PRIORITY`):

* ``mismatch``: both sides have a figure in one currency and they differ by more than
  the tolerance;
* ``currency_mismatch``: both have a figure, in different currencies (never compared);
* ``period_mismatch``: the app billed a period that is none of the subscription's own
  (its dates do not fall on the subscription's billing cycle), so Odoo has no figure to
  set beside it: its own status, never a silent miss;
* ``missing_odoo``: the app billed a period Odoo has not computed (a subscription Odoo
  does not know, or a period not closed yet);
* ``missing_app``: Odoo computed a period the app has not reported;
* ``matched``: within the tolerance.

The tolerance is absolute (cents) and relative (a percentage of the app's figure, the
amount customers were billed): a line matches when the difference is within the larger
of the two.
"""

import csv
import io
from decimal import Decimal
from typing import NamedTuple

from .errors import ValidationFailure
from .import_source import safe_cell
from .money import HUNDRED, ZERO, to_decimal

MATCHED = "matched"
MISMATCH = "mismatch"
MISSING_ODOO = "missing_odoo"
MISSING_APP = "missing_app"
PERIOD_MISMATCH = "period_mismatch"
CURRENCY_MISMATCH = "currency_mismatch"
# Most urgent first: the order of the Reconciliation list.
PRIORITY = {
    MISMATCH: 0, CURRENCY_MISMATCH: 1, PERIOD_MISMATCH: 2, MISSING_ODOO: 3,
    MISSING_APP: 4, MATCHED: 5,
}
STATUSES = tuple(PRIORITY)
# The metric code of a period's total line.
TOTAL = ""


class Tolerance(NamedTuple):
    """How far apart Odoo and the app may be and still match.

    :param int cents: absolute, in minor units (>= 0)
    :param Decimal percent: relative to the app's figure, 0 to 100
    """

    cents: int = 0
    percent: Decimal = ZERO

    @classmethod
    def build(cls, cents, percent):
        """A checked tolerance from stored values (``percent`` may be a float field).

        :raise ValidationFailure: ``invalid_tolerance`` on a negative, fractional or
            non-numeric value, or a percentage over 100
        """
        details = {}
        if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
            details["tolerance_cents"] = ["invalid_tolerance"]
        try:
            rate = to_decimal(percent or 0, "tolerance_percent")
        except ValidationFailure:
            rate = None
        if rate is None or not ZERO <= rate <= HUNDRED:
            details["tolerance_percent"] = ["invalid_tolerance"]
        if details:
            raise ValidationFailure(details)
        return cls(cents, rate)

    def allowance(self, app_cents):
        """The largest difference (in cents, exact) that still matches ``app_cents``."""
        relative = abs(Decimal(app_cents)) * self.percent / HUNDRED
        return max(Decimal(self.cents), relative)


def status(odoo_cents, app_cents, tolerance, *, same_currency=True, period_known=True):
    """The status of one line, and its difference.

    :param int odoo_cents: Odoo's figure in cents, ``None`` when Odoo has none
    :param int app_cents: the app's figure in cents, ``None`` when not reported
    :param Tolerance tolerance: the service's tolerance
    :param bool same_currency: whether the app billed in the subscription's currency
    :param bool period_known: whether the app's period is one of the subscription's own
    :return: ``(difference in cents or None, status)``; the difference is ``None``
        unless both figures exist in one currency
    :rtype: tuple
    """
    if app_cents is None:
        return None, MISSING_APP
    if odoo_cents is None:
        return None, (MISSING_ODOO if period_known else PERIOD_MISMATCH)
    if not same_currency:
        return None, CURRENCY_MISMATCH
    difference = odoo_cents - app_cents
    return difference, (MATCHED if abs(difference) <= tolerance.allowance(app_cents)
                        else MISMATCH)


def period_total(recurring_fees, usage_amounts):
    """What Odoo bills for one period before taxes: the plan's recurring fees for it and
    the usage of each charge. The app's invoice total is compared with this.

    :param recurring_fees: the subscription's recurring (prepaid) lines for one period
    :param usage_amounts: the rated amount of each charge
    :rtype: Decimal
    """
    total = ZERO
    for amount in (*recurring_fees, *usage_amounts):
        total += to_decimal(amount, "amount")
    return total


def is_own_period(cycle, from_date, to_date):
    """Whether ``[from_date, to_date]`` (``to_date`` inclusive) is exactly one period of
    the subscription's billing cycle (``engine.periods.BillingCycle``), or ``cycle`` is
    unknown (``None``: nothing to hold the app's dates against).
    """
    if cycle is None:
        return True
    if from_date < cycle.anchor:
        return False
    period = cycle.period_containing(from_date)
    return period.start == from_date and (to_date - period.end).days == -1


# === READINESS === #

class SubscriptionFigures(NamedTuple):
    """One subscription's lines over its last N closed periods (from SQL)."""

    key: str
    periods: int  # closed periods found (at most N)
    rows: int
    matched: int
    missing_app: int
    missing_odoo: int


class Readiness(NamedTuple):
    """Whether a service may go live, and the figures that say why."""

    ready: bool
    periods: int  # N
    required_share: Decimal  # percent of subscriptions that must be ready
    subscriptions: int
    ready_subscriptions: int
    rows: int
    matched_rows: int
    matched_share: Decimal  # percent of lines matched, one decimal (0 when no line)
    absolute_difference_cents: int
    missing_app: int
    missing_odoo: int
    short_of_periods: int  # subscriptions with fewer than N closed periods
    blockers: tuple  # ((code, {values}), ...): empty when ready


def readiness(figures, *, periods, required_share, absolute_difference_cents=0):
    """Judge a service's dual run over each subscription's last ``periods`` closed periods.

    A subscription is ready when it has ``periods`` closed periods and every line of them
    matches; the service is ready when at least ``required_share`` percent of its
    subscriptions are (100: every one), and it has at least one.

    :param figures: iterable of :class:`SubscriptionFigures`
    :param int periods: N (>= 1)
    :param required_share: percent (0 < share <= 100)
    :param int absolute_difference_cents: sum of the absolute differences of the period
        totals in that window (shown, not judged)
    :rtype: Readiness
    """
    if isinstance(periods, bool) or not isinstance(periods, int) or periods < 1:
        raise ValidationFailure({"readiness_periods": ["invalid_value"]})
    share = to_decimal(required_share, "readiness_share")
    if not ZERO < share <= HUNDRED:
        raise ValidationFailure({"readiness_share": ["invalid_value"]})
    subscriptions = ready = rows = matched = missing_app = missing_odoo = short = 0
    for item in figures:
        subscriptions += 1
        rows += item.rows
        matched += item.matched
        missing_app += item.missing_app
        missing_odoo += item.missing_odoo
        if item.periods < periods:
            short += 1
        elif item.rows and item.matched == item.rows:
            ready += 1
    blockers = []
    if not subscriptions:
        blockers.append(("no_closed_period", {"periods": periods}))
    elif Decimal(ready) * HUNDRED < share * subscriptions:
        blockers.append(("not_enough_ready", {
            "ready": ready, "subscriptions": subscriptions, "periods": periods,
            "share": share}))
    return Readiness(
        ready=not blockers, periods=periods, required_share=share,
        subscriptions=subscriptions, ready_subscriptions=ready, rows=rows,
        matched_rows=matched, matched_share=_percent(matched, rows),
        absolute_difference_cents=absolute_difference_cents, missing_app=missing_app,
        missing_odoo=missing_odoo, short_of_periods=short, blockers=tuple(blockers),
    )


def _percent(part, whole):
    if not whole:
        return ZERO
    return (Decimal(part) * HUNDRED / whole).quantize(Decimal("0.1"))


def snapshot(result):
    """A readiness as JSON-safe values, kept with a go-live decision.

    :param Readiness result:
    :rtype: dict
    """
    values = result._asdict()
    values["required_share"] = str(result.required_share)
    values["matched_share"] = str(result.matched_share)
    values["blockers"] = [
        {"code": code, **{k: str(v) if isinstance(v, Decimal) else v
                          for k, v in params.items()}}
        for code, params in result.blockers
    ]
    return values


EXPORT_HEADER = ("service", "customer", "external_subscription_id", "period_start",
                 "period_end", "line", "currency", "odoo", "app_currency", "app",
                 "difference", "status")


def export_csv(rows):
    """Reconciliation lines as CSV for finance's spreadsheet: a side not reported is an
    empty cell (never 0.00), every text cell safe from spreadsheet formulas.

    :param rows: tuples in the order of :data:`EXPORT_HEADER` (``None`` for empty)
    :rtype: str
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    for row in rows:
        if len(row) != len(EXPORT_HEADER):
            raise ValueError("a reconciliation export row has the wrong number of cells")
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        # A number stays a number (a leading minus is no formula); floats from Odoo's
        # fields through str(), so 57.1 is written 57.1.
        return format(Decimal(str(value)) if isinstance(value, float) else value, "f")
    return safe_cell(value)
