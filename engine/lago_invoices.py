# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Lago's invoices as the app side of the dual run.

During the dual run a service that still bills through Lago is compared with Odoo's
shadow figures per subscription, period and billable metric. :func:`app_invoices`
turns one of Lago's invoices (``GET /api/v1/invoices/{lago_id}``: the object with its
``fees`` and ``billing_periods``) into one plain dict per subscription it bills::

    {"invoice_id": "<lago_id>", "external_subscription_id": "sub_1",
     "from_date": date(2026, 10, 1), "to_date": date(2026, 10, 31),
     "currency": "CAD", "amount_cents": 12345,
     "fees": [{"billable_metric_code": "api_calls", "amount_cents": 2345}, ...]}

* ``from_date``/``to_date`` are the **usage** period the invoice closes (Lago's
  ``charges_from_datetime``/``charges_to_datetime``, both days included), in the
  customer's time zone (``customer.applicable_timezone``, else the given zone);
* ``amount_cents`` is what Lago billed that subscription before taxes: the sum of its
  fees (plan fee and usage charges), before coupons and prepaid credits, which Lago
  takes off the invoice as a whole;
* ``fees`` has one entry per billable metric code (fees of one metric, e.g. per filter,
  summed), usage charges only.

Only finalized subscription invoices count (a draft may still change, a voided one
billed nothing); :data:`COUNTED_TYPES` and :data:`COUNTED_STATUSES` say so.
"""

from collections.abc import Mapping

from .lago_source import LagoFailure, parse_instant
from .periods import local_date

COUNTED_TYPES = ("subscription",)
COUNTED_STATUSES = ("finalized",)
KEYS = ("invoice_id", "external_subscription_id", "from_date", "to_date", "currency",
        "amount_cents", "fees")


def counted(invoice):
    """Whether a listed invoice is part of the dual run (its type and status)."""
    return (isinstance(invoice, Mapping) and invoice.get("invoice_type") in COUNTED_TYPES
            and invoice.get("status") in COUNTED_STATUSES)


def _cents(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise LagoFailure(f"{what} is not a whole number of cents ({value!r}).")
    return value


def _day(value, tz_name, what):
    instant = parse_instant(value)
    if instant is None:
        raise LagoFailure(f"{what} is not a date ({value!r}).")
    return local_date(instant, tz_name)


def app_invoices(invoice, tz_name="UTC"):
    """The dual run's dicts of one Lago invoice, one per subscription it bills.

    :param dict invoice: Lago's extended invoice object (with ``fees`` and
        ``billing_periods``)
    :param str tz_name: the zone of the dates when the invoice's customer has none
    :rtype: list
    :raise LagoFailure: If the invoice lacks what the dual run needs
    """
    lago_id = invoice.get("lago_id")
    what = f"Lago invoice {lago_id or invoice.get('number')!r}"
    if not lago_id or not isinstance(invoice.get("currency"), str):
        raise LagoFailure(f"{what} has no lago_id or currency.")
    customer = invoice.get("customer") if isinstance(invoice.get("customer"), Mapping) else {}
    zone = customer.get("applicable_timezone") or customer.get("timezone") or tz_name
    fees = [fee for fee in invoice.get("fees") or () if isinstance(fee, Mapping)]
    periods = [period for period in invoice.get("billing_periods") or ()
               if isinstance(period, Mapping)]
    if not periods:
        raise LagoFailure(f"{what} has no billing_periods (read it with "
                          "GET /api/v1/invoices/{lago_id}).")
    rows = []
    for period in periods:
        external_id = period.get("external_subscription_id")
        mine = [fee for fee in fees if fee.get("external_subscription_id") == external_id]
        by_metric = {}
        total = 0
        for fee in mine:
            cents = _cents(fee.get("amount_cents"), f"A fee of {what}")
            total += cents
            item = fee.get("item") if isinstance(fee.get("item"), Mapping) else {}
            if item.get("type") == "charge" and item.get("code"):
                by_metric[item["code"]] = by_metric.get(item["code"], 0) + cents
        rows.append({
            "invoice_id": lago_id,
            "external_subscription_id": external_id,
            "from_date": _day(period.get("charges_from_datetime"), zone,
                              f"The usage period start of {what}"),
            "to_date": _day(period.get("charges_to_datetime"), zone,
                            f"The usage period end of {what}"),
            "currency": invoice["currency"],
            "amount_cents": total,
            "fees": [{"billable_metric_code": code, "amount_cents": cents}
                     for code, cents in sorted(by_metric.items())],
        })
    return rows
