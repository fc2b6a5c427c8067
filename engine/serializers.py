# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Lago's objects, built from plain values: the one serialisation of the API (and later of
the webhooks). Controllers read records into dicts and hand them here; nothing here knows
Odoo. Field sets follow Lago's OpenAPI objects; fields we do not implement are present
with Lago's empty value (``null``, ``[]``), so clients that read them keep working.

Money goes out as integer ``*_cents`` with its currency, quantities as decimal strings,
instants as ISO 8601 UTC (``2026-11-24T10:00:00Z``).
"""

from datetime import UTC, date, datetime
from decimal import Decimal

from .money import decimal_str

# Aggregation codes as Lago spells them on the wire.
AGGREGATION_TYPES = {
    "sum": "sum_agg",
    "max": "max_agg",
    "last": "latest_agg",
    "unique": "unique_count_agg",
    "count": "count_agg",
}
# Odoo invoice state and payment state as Lago's status and payment_status.
INVOICE_STATUS = {"draft": "draft", "posted": "finalized", "cancel": "voided"}
PAYMENT_STATUS = {"paid": "succeeded", "in_payment": "succeeded", "reversed": "succeeded",
                  "not_paid": "pending", "partial": "pending", "invoicing_legacy": "pending"}
SUBSCRIPTION_STATUSES = ("active", "pending", "terminated", "canceled")
INVOICE_STATUSES = tuple(dict.fromkeys(INVOICE_STATUS.values()))
PAYMENT_STATUSES = ("pending", "succeeded", "failed")
# Odoo billing periods as Lago plan intervals.
INTERVALS = {("week", 1): "weekly", ("month", 1): "monthly", ("month", 3): "quarterly",
             ("month", 6): "semiannual", ("year", 1): "yearly"}


def iso(value, millis=False):
    """An instant as ISO 8601 UTC (naive datetimes are UTC, as Odoo stores them); a date
    as ``YYYY-MM-DD``; ``None`` and ``False`` as ``None``."""
    if value is None or value is False:
        return None
    if isinstance(value, datetime):
        stamp = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        if millis:
            return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return stamp.isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not an instant: {value!r}")


def _plain(value):
    """JSON-ready properties: decimals as strings, nested lists and dicts kept."""
    if isinstance(value, Decimal):
        return decimal_str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def payment_status(payment_state, last_payment_failed=False):
    """Lago's payment status of an invoice: Odoo's payment state, or ``failed`` while an
    unpaid invoice's last payment attempt (a card charge) failed."""
    status = PAYMENT_STATUS.get(payment_state, "pending")
    return "failed" if status == "pending" and last_payment_failed else status


def odoo_values(mapping, lago_value):
    """The Odoo values a Lago filter value stands for (the inverse of a mapping above);
    an unknown value stands for none."""
    return [odoo for odoo, lago in mapping.items() if lago == lago_value]


def subscription_status(cancelled, start, end, today, terminated_on=None):
    """Lago's status of a subscription: ``terminated`` once terminated through the API,
    cancelled or past its last day, ``canceled`` when terminated before it started (as
    Lago names a pending subscription called off), ``pending`` before its first day,
    ``active`` in between.

    :param bool cancelled: the order is cancelled
    :param date start: first day (``None``: started)
    :param date end: last day, inclusive (``None``: open-ended)
    :param date today: today in the company's time zone
    :param date terminated_on: the company-local day ``DELETE`` terminated it, if it did
    :rtype: str
    """
    if terminated_on is not None:
        return "canceled" if start and start > terminated_on else "terminated"
    if cancelled or (end and end < today):
        return "terminated"
    if start and start > today:
        return "pending"
    return "active"


# What a subscription look-up finds when the caller names no status (Lago reads the
# active one; a pending one, not started yet, is not gone either).
LIVE_STATUSES = ("active", "pending")


def customer(values):
    """Lago's CustomerObject. :param dict values: lago_id, external_id, name, email,
    currency, timezone, created_at, updated_at, and the address fields when known"""
    return {
        "lago_id": values["lago_id"],
        "sequential_id": values.get("sequential_id"),
        "slug": None,
        "external_id": values["external_id"],
        "account_type": "customer",
        "name": values.get("name"),
        "firstname": None,
        "lastname": None,
        "customer_type": values.get("customer_type"),
        "email": values.get("email"),
        "phone": values.get("phone"),
        "url": values.get("url"),
        "legal_name": values.get("legal_name"),
        "legal_number": None,
        "tax_identification_number": values.get("tax_identification_number"),
        "address_line1": values.get("address_line1"),
        "address_line2": values.get("address_line2"),
        "city": values.get("city"),
        "state": values.get("state"),
        "zipcode": values.get("zipcode"),
        "country": values.get("country"),
        "currency": values.get("currency"),
        "timezone": values.get("timezone"),
        "applicable_timezone": values.get("timezone") or "UTC",
        "net_payment_term": None,
        "billing_configuration": {"invoice_grace_period": None, "payment_provider": None,
                                  "document_locale": values.get("document_locale")},
        "shipping_address": {},
        "metadata": [],
        "integration_customers": [],
        "taxes": [],
        "created_at": iso(values["created_at"]),
        "updated_at": iso(values.get("updated_at") or values["created_at"]),
    }


def subscription(values):
    """Lago's SubscriptionObject. :param dict values: lago_id, external_id,
    lago_customer_id, external_customer_id, name, plan_code, status, created_at,
    started_at (date), ending_at (date), terminated_at, period_start, period_end (dates)"""
    return {
        "lago_id": values["lago_id"],
        "external_id": values["external_id"],
        "lago_customer_id": values.get("lago_customer_id"),
        "external_customer_id": values.get("external_customer_id"),
        "name": values.get("name"),
        "plan_code": values.get("plan_code"),
        "plan_amount_cents": values.get("plan_amount_cents"),
        "plan_amount_currency": values.get("currency"),
        "status": values["status"],
        "billing_time": "anniversary",
        "subscription_at": iso(values.get("started_at")),
        "started_at": iso(values.get("started_at")),
        "ending_at": iso(values.get("ending_at")),
        "terminated_at": iso(values.get("terminated_at")),
        "canceled_at": None,
        "trial_ended_at": None,
        "previous_plan_code": values.get("previous_plan_code"),
        "next_plan_code": None,
        "downgrade_plan_date": None,
        "current_billing_period_started_at": iso(values.get("period_start")),
        "current_billing_period_ending_at": iso(values.get("period_end")),
        "on_termination_credit_note": None,
        "on_termination_invoice": "generate",
        "created_at": iso(values["created_at"]),
    }


def event(values):
    """Lago's EventObject. :param dict values: lago_id, transaction_id, code, timestamp,
    properties, lago_subscription_id, external_subscription_id, lago_customer_id,
    created_at"""
    return {
        "lago_id": values["lago_id"],
        "transaction_id": values["transaction_id"],
        "lago_customer_id": values.get("lago_customer_id"),
        "code": values["code"],
        "timestamp": iso(values["timestamp"], millis=True),
        "precise_total_amount_cents": None,
        "properties": values.get("properties") or {},
        "lago_subscription_id": values.get("lago_subscription_id"),
        "external_subscription_id": values["external_subscription_id"],
        "created_at": iso(values["created_at"]),
    }


def billable_metric(values):
    """Lago's BillableMetricObject. :param dict values: lago_id, name, code,
    description, aggregation, field_name, recurring, created_at"""
    aggregation = values["aggregation"]
    return {
        "lago_id": values["lago_id"],
        "name": values["name"],
        "code": values["code"],
        "description": values.get("description"),
        "aggregation_type": AGGREGATION_TYPES[aggregation],
        "field_name": None if aggregation == "count" else values.get("field_name"),
        "recurring": bool(values.get("recurring")),
        "weighted_interval": None,
        "rounding_function": None,
        "rounding_precision": None,
        "expression": None,
        "filters": [],
        "created_at": iso(values["created_at"]),
    }


def charge(values):
    """Lago's ChargeObject. :param dict values: lago_id, metric (its lago_id and code),
    charge_model, properties, invoice_display_name, created_at"""
    return {
        "lago_id": values["lago_id"],
        "lago_billable_metric_id": values["metric_lago_id"],
        "billable_metric_code": values["metric_code"],
        "code": values["metric_code"],
        "invoice_display_name": values.get("invoice_display_name"),
        "charge_model": values["charge_model"],
        "pay_in_advance": False,
        "invoiceable": True,
        "regroup_paid_fees": None,
        "prorated": False,
        "min_amount_cents": 0,
        "properties": _plain(values.get("properties") or {}),
        "filters": [],
        "taxes": [],
        "created_at": iso(values["created_at"]),
    }


def plan(values, charges=()):
    """Lago's PlanObject with its charges. :param dict values: lago_id, name, code,
    description, period_unit, period_value, amount_cents, currency, created_at"""
    interval = INTERVALS.get((values["period_unit"], values["period_value"]), "monthly")
    return {
        "lago_id": values["lago_id"],
        "name": values["name"],
        "invoice_display_name": values["name"],
        "code": values["code"],
        "interval": interval,
        "description": values.get("description"),
        "amount_cents": values.get("amount_cents") or 0,
        "amount_currency": values["currency"],
        "trial_period": 0,
        "pay_in_advance": True,
        "bill_charges_monthly": None,
        "minimum_commitment": None,
        "charges": list(charges),
        "fixed_charges": [],
        "usage_thresholds": [],
        "taxes": [],
        "created_at": iso(values["created_at"]),
    }


def customer_usage(values, exponent=2):
    """Lago's CustomerUsageObject from a current usage computation.

    :param dict values: from_date, to_date (inclusive), currency, and ``charges``: one dict
        per charge with charge_lago_id, charge_model, invoice_display_name, metric
        (lago_id, name, code, aggregation), events_count and ``rating``
        (:class:`engine.rating.Rating`)
    """
    charges, total = [], 0
    for item in values["charges"]:
        rating = item["rating"]
        total += rating.amount_cents
        charges.append({
            "units": decimal_str(rating.units),
            "total_aggregated_units": decimal_str(rating.units),
            "events_count": item.get("events_count", 0),
            "amount_cents": rating.amount_cents,
            "amount_currency": values["currency"],
            "pricing_unit_details": None,
            "charge": {
                "lago_id": item["charge_lago_id"],
                "charge_model": item["charge_model"],
                "invoice_display_name": item.get("invoice_display_name"),
            },
            "billable_metric": {
                "lago_id": item["metric_lago_id"],
                "name": item["metric_name"],
                "code": item["metric_code"],
                "aggregation_type": AGGREGATION_TYPES[item["aggregation"]],
            },
            "filters": [],
            "grouped_usage": [],
        })
    to_date = values.get("to_date")
    return {
        "from_datetime": iso(datetime.combine(values["from_date"], datetime.min.time())),
        "to_datetime": iso(datetime.combine(to_date, datetime.max.time().replace(
            microsecond=0))) if to_date else None,
        "issuing_date": iso(values.get("issuing_date")),
        "lago_invoice_id": None,
        "currency": values["currency"],
        "amount_cents": total,
        # Taxes are Odoo's (HST through account.tax) and computed on the invoice.
        "taxes_amount_cents": 0,
        "total_amount_cents": total,
        "charges_usage": charges,
    }


def invoice(values, with_fees=False):
    """Lago's InvoiceObject (``with_fees``: the extended one, with its fees).

    :param dict values: lago_id, sequential_id, number, issuing_date, payment_due_date,
        status, payment_status, invoice_type, currency, fees/taxes/total/total due amount
        cents, customer (customer values or None), created_at, updated_at, fees, file_url
    """
    fees_cents = values["fees_amount_cents"]
    total_cents = values["total_amount_cents"]
    issued, due = values.get("issuing_date"), values.get("payment_due_date")
    body = {
        "lago_id": values["lago_id"],
        "billing_entity_code": None,
        "sequential_id": values.get("sequential_id"),
        "number": values.get("number"),
        "issuing_date": iso(values.get("issuing_date")),
        "payment_due_date": iso(values.get("payment_due_date")),
        "payment_dispute_lost_at": None,
        "payment_overdue": False,
        # Lago's clients require both: days from issue to due date, and what is left to pay.
        "net_payment_term": (due - issued).days if issued and due else 0,
        "invoice_type": values.get("invoice_type", "subscription"),
        "status": values["status"],
        "payment_status": values["payment_status"],
        "currency": values["currency"],
        "fees_amount_cents": fees_cents,
        "coupons_amount_cents": 0,
        "credit_notes_amount_cents": 0,
        "sub_total_excluding_taxes_amount_cents": fees_cents,
        "taxes_amount_cents": values["taxes_amount_cents"],
        "sub_total_including_taxes_amount_cents": total_cents,
        "prepaid_credit_amount_cents": 0,
        "progressive_billing_credit_amount_cents": 0,
        "total_amount_cents": total_cents,
        "total_due_amount_cents": values.get("total_due_amount_cents", total_cents),
        "version_number": 4,
        "self_billed": False,
        "file_url": values.get("file_url"),
        "customer": customer(values["customer"]) if values.get("customer") else None,
        "metadata": [],
        "applied_taxes": [],
        "created_at": iso(values["created_at"]),
        "updated_at": iso(values.get("updated_at") or values["created_at"]),
    }
    if with_fees:
        body["fees"] = [{
            "lago_id": fee["lago_id"],
            "lago_invoice_id": values["lago_id"],
            "external_subscription_id": values.get("external_subscription_id"),
            "lago_subscription_id": values.get("lago_subscription_id"),
            "amount_cents": fee["amount_cents"],
            "amount_currency": values["currency"],
            "taxes_amount_cents": fee["taxes_amount_cents"],
            "total_amount_cents": fee["total_amount_cents"],
            "units": fee["units"],
            "from_date": iso(fee.get("from_date")),
            "to_date": iso(fee.get("to_date")),
            "item": {"type": "charge", "name": fee["name"], "invoice_display_name": fee["name"]},
        } for fee in values.get("fees", ())]
        body["subscriptions"] = []
        body["credits"] = []
    return body


def credit_note(values):
    """Lago's CreditNoteObject, for a native credit note (a reversal of an invoice).

    :param dict values: lago_id, sequential_id, number, invoice values (``invoice``:
        lago_id and number), issuing_date, reason, currency, total/taxes/fees amount
        cents, created_at, updated_at, fees (as in ``invoice``)
    """
    total = values["total_amount_cents"]
    return {
        "lago_id": values["lago_id"],
        "billing_entity_code": None,
        "sequential_id": values.get("sequential_id"),
        "number": values.get("number"),
        "lago_invoice_id": values.get("lago_invoice_id"),
        "invoice_number": values.get("invoice_number"),
        "issuing_date": iso(values.get("issuing_date")),
        # Odoo's credit note reduces what is due on the invoice (or is refunded through
        # a payment): Lago's credit, not yet consumed.
        "credit_status": "available",
        "refund_status": None,
        "reason": "other",
        "description": values.get("description"),
        "currency": values["currency"],
        "total_amount_cents": total,
        "taxes_amount_cents": values["taxes_amount_cents"],
        "taxes_rate": None,
        "sub_total_excluding_taxes_amount_cents": values["fees_amount_cents"],
        "balance_amount_cents": total,
        "credit_amount_cents": total,
        "refund_amount_cents": 0,
        "coupons_adjustment_amount_cents": 0,
        "created_at": iso(values["created_at"]),
        "updated_at": iso(values.get("updated_at") or values["created_at"]),
        "file_url": values.get("file_url"),
        "items": [{
            "lago_id": fee["lago_id"],
            "amount_cents": fee["amount_cents"],
            "amount_currency": values["currency"],
            "fee": {"lago_id": fee["lago_id"], "units": fee["units"],
                    "item": {"type": "charge", "name": fee["name"]}},
        } for fee in values.get("fees", ())],
        "applied_taxes": [],
    }


def payment_error(invoice_values, provider_customer_id, message):
    """Lago's ``payment_provider_invoice_payment_error`` object of
    ``invoice.payment_failure``."""
    customer_values = invoice_values.get("customer") or {}
    return {
        "lago_invoice_id": invoice_values["lago_id"],
        "lago_customer_id": customer_values.get("lago_id"),
        "external_customer_id": customer_values.get("external_id"),
        "provider_customer_id": provider_customer_id,
        "payment_provider": "stripe",
        "payment_provider_code": "stripe",
        "provider_error": {"message": message, "error_code": None},
    }


def page_meta(page, per_page, total):
    """Lago's ``meta`` of a list. :rtype: dict"""
    pages = max(1, -(-total // per_page))
    return {
        "current_page": page,
        "next_page": page + 1 if page < pages else None,
        "prev_page": page - 1 if page > 1 else None,
        "total_pages": pages,
        "total_count": total,
    }
