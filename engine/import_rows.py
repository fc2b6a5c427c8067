# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Judging the rows of an app's billing book before they are imported: a row in, a
verdict out.

The source (``docs/import-source.sql``) has three tables: customers, plans (prices) and
subscriptions. Each row ends in exactly one outcome (``created``, ``updated``, ``read``,
``skipped``, ``failed``) with a reason. The judgement here sees the source and a summary
of what Odoo already holds (the service's catalogue, the customers and subscriptions
already imported); the wizard then carries out the ``created`` and ``updated`` verdicts,
and a row that fails while being written becomes ``failed`` there.

Rules that reviews asked for by name:

* **H3**: the billing cycle is ``monthly`` or ``yearly`` after trimming and
  case-folding; anything else fails the row, never a fallback to monthly.
* **M5**: a NULL price is not 0.0. A subscription whose plan has no price for its cycle
  fails; a price of 0.0 is a free plan.
"""

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime

from .errors import EngineError, ValidationFailure
from .money import ZERO, to_decimal
from .serializers import INTERVALS

CREATED, UPDATED, READ, SKIPPED, FAILED = "created", "updated", "read", "skipped", "failed"
# ``read``: a row read for what it says and never written (a plan row: its prices), as it
# should be; ``skipped``: a row that could have been imported and was not.
OUTCOMES = (CREATED, UPDATED, READ, SKIPPED, FAILED)
CUSTOMERS, PLANS, SUBSCRIPTIONS = "customers", "plans", "subscriptions"
TABLES = (CUSTOMERS, PLANS, SUBSCRIPTIONS)

# The billing cycles an import accepts -> Odoo plan billing period (unit, value): the
# monthly and yearly periods, as Lago names them.
CYCLES = {name: period for period, name in INTERVALS.items() if name in ("monthly", "yearly")}
# Source subscription statuses (Stripe's vocabulary): imported, or left out while new.
IMPORTED_STATUSES = frozenset({"active", "trialing", "past_due", "unpaid", "paused"})
ENDED_STATUSES = frozenset({"canceled", "incomplete", "incomplete_expired"})
TEXT_LIMIT = 255


class RowError(EngineError):
    """A source row that cannot be imported as it is.

    :param str code: stable code (``unknown_billing_cycle``, ``missing_price``, ...)
    :param str message: the reason shown to the administrator
    """

    def __init__(self, code, message):
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class Customer:
    external_id: str
    email: str | None
    name: str | None
    stripe_customer_id: str | None


@dataclass(frozen=True)
class Plan:
    code: str
    monthly_price: object  # Decimal or None (NULL: no price, not a free plan)
    yearly_price: object

    def price(self, cycle):
        """The price for ``cycle``; ``None`` when the source has none (NULL).

        :rtype: Decimal or None
        """
        return self.monthly_price if cycle == "monthly" else self.yearly_price


@dataclass(frozen=True)
class Subscription:
    external_id: str
    customer_id: str
    plan_code: str
    cycle: str
    status: str
    period_start: date | None
    period_end: date | None
    stripe_subscription_id: str | None
    stripe_payment_method_id: str | None


@dataclass
class Verdict:
    """What happens to one source row.

    ``record`` is the parsed row (``Customer``, ``Plan``, ``Subscription``) or ``None``
    when it could not be read; ``price`` is the subscription's recurring price.
    """

    table: str
    key: str
    outcome: str
    reason: str
    error_type: str | None = None
    record: object = None
    price: object = None
    notes: list = field(default_factory=list)
    error: BaseException | None = None
    record_name: str | None = None

    def fail(self, reason, error):
        """Fail the row: **M4**, the exception's type is kept with the reason, and the
        exception itself (with its traceback, raised here if it never was) for the log.

        :param str reason: shown to the administrator
        :param BaseException error: what failed the row
        """
        if error.__traceback__ is None:
            # Made but never raised: raise it now, so the log still shows a traceback.
            with contextlib.suppress(BaseException):  # the very error given, kept below
                raise error
        self.outcome, self.reason = FAILED, reason
        self.error_type, self.error = type(error).__name__, error
        self.record_name = None


# === FIELD RULES === #


def cycle_of(period_unit, period_value):
    """The import cycle (``monthly``, ``yearly``) of an Odoo plan's billing period, or
    ``None`` for any other period."""
    name = INTERVALS.get((period_unit, period_value))
    return name if name in CYCLES else None

def text(row, name, *, required=False):
    """A short text column: trimmed, ``None`` when NULL or blank.

    :raise RowError: ``missing_value``, ``value_too_long``, ``invalid_text``
    """
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RowError("missing_value", f"{name} is empty")
        return None
    value = str(value).strip()
    if "\x00" in value:
        raise RowError("invalid_text", f"{name} contains a NUL character")
    if len(value) > TEXT_LIMIT:
        raise RowError("value_too_long", f"{name} is longer than {TEXT_LIMIT} characters")
    return value


def billing_cycle(value):
    """**H3**: ``monthly`` or ``yearly`` after trimming and case-folding, nothing else.

    :rtype: str
    :raise RowError: ``unknown_billing_cycle``
    """
    cycle = value.strip().casefold() if isinstance(value, str) else None
    if cycle not in CYCLES:
        raise RowError(
            "unknown_billing_cycle",
            f"billing cycle {value!r} is neither monthly nor yearly (no fallback to monthly)",
        )
    return cycle


def price(value, name):
    """**M5**: a price, or ``None`` for NULL (no price: not a free plan).

    A CSV cell that is empty is NULL; ``0`` or ``0.00`` is a price of zero.

    :rtype: Decimal or None
    :raise RowError: ``invalid_price`` if not a number or negative
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = to_decimal(value.strip() if isinstance(value, str) else value, name)
    except ValidationFailure:
        raise RowError("invalid_price", f"{name} {value!r} is not a number") from None
    if number < ZERO:
        raise RowError("invalid_price", f"{name} {value!r} is negative")
    return number


def day(value, name):
    """A date column (``date`` from PostgreSQL, ISO ``YYYY-MM-DD`` text from CSV).

    :rtype: date or None
    :raise RowError: ``invalid_date``
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise RowError("invalid_date", f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


# === ROW PARSERS === #

def parse_customer(row):
    """:rtype: Customer
    :raise RowError: If the row cannot be imported"""
    email = text(row, "email")
    if email and "@" not in email:
        raise RowError("invalid_email", f"email {email!r} is not an email address")
    return Customer(text(row, "id", required=True), email, text(row, "name"),
                    text(row, "stripe_customer_id"))


def parse_plan(row):
    """:rtype: Plan
    :raise RowError: If the row cannot be imported"""
    return Plan(text(row, "code", required=True), price(row.get("monthly_price"), "monthly_price"),
                price(row.get("yearly_price"), "yearly_price"))


def parse_subscription(row):
    """:rtype: Subscription
    :raise RowError: If the row cannot be imported"""
    status = (text(row, "status", required=True)).casefold()
    if status not in IMPORTED_STATUSES | ENDED_STATUSES:
        raise RowError("unknown_status", f"status {status!r} is not a known subscription status")
    start = day(row.get("current_period_start"), "current_period_start")
    end = day(row.get("current_period_end"), "current_period_end")
    if status in IMPORTED_STATUSES:
        if not (start and end):
            raise RowError("missing_period", "current period start and end are required")
        if end <= start:
            raise RowError("invalid_period", "current period ends before it starts")
    return Subscription(
        text(row, "id", required=True), text(row, "customer_id", required=True),
        text(row, "plan_code", required=True), billing_cycle(row.get("billing_cycle")),
        status, start, end, text(row, "stripe_subscription_id"),
        text(row, "stripe_payment_method_id"),
    )


# === STRIPE === #

def card_details(payment_method, stripe_customer_id):
    """Brand and last four digits of a Stripe payment method, checked against the customer.

    :param dict payment_method: Stripe's ``PaymentMethod`` object (as a dict)
    :param str stripe_customer_id: the customer id the source gives for this customer
    :return: ``(brand, last4)``, e.g. ``("visa", "4242")``
    :rtype: tuple
    :raise RowError: ``payment_method_of_another_customer``, ``not_a_card``
    """
    owner = payment_method.get("customer")
    if owner != stripe_customer_id:
        raise RowError(
            "payment_method_of_another_customer",
            f"Stripe payment method {payment_method.get('id')!r} belongs to customer "
            f"{owner!r}, not {stripe_customer_id!r}")
    card = payment_method.get("card") or {}
    last4 = card.get("last4")
    if payment_method.get("type") != "card" or not last4:
        raise RowError("not_a_card", f"Stripe payment method {payment_method.get('id')!r} is "
                                     f"not a card ({payment_method.get('type')!r})")
    return (card.get("brand") or "unknown").casefold(), str(last4)
