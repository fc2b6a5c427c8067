# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fault suite, rating: a live service and FCB_FAULTS_SUBS subscriptions (one customer
each) whose first usage period closed 30 days ago, three usage pushes each. Half ended
inside that period: the rating cron itself invoices their last usage. Dates are relative
to today, so the suite runs on any date. Run in ``odoo shell``; prints SERVICE=<id>."""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import os
from datetime import UTC, datetime, timedelta

from odoo import Command

SUBS = int(os.environ.get("FCB_FAULTS_SUBS", "1000"))
today = datetime.now(UTC).date()
start, closes = today - timedelta(days=60), today - timedelta(days=30)

service = env["fusion.billing.service"].create({
    "name": "Faults rating", "code": "faults_rating", "mode": "live"})
metric = env["fusion.billing.metric"].create({
    "service_id": service.id, "name": "Calls", "code": "calls", "unit_name": "calls"})
usage_product = env["product.product"].create({
    "name": "Faults calls", "type": "service", "taxes_id": [Command.clear()]})
plan_product = env["product.product"].create({
    "name": "Faults plan", "type": "service", "invoice_policy": "order",
    "recurring_invoice": True, "list_price": 10.0, "taxes_id": [Command.clear()]})
plan = env["sale.subscription.plan"].create({
    "name": "Faults monthly", "x_fc_plan_code": "faults", "x_fc_service_id": service.id,
    "billing_period_value": 1, "billing_period_unit": "month"})
env["fusion.billing.charge"].create({
    "plan_id": plan.id, "metric_id": metric.id, "product_id": usage_product.id,
    "charge_model": "standard", "properties": {"amount": "0.10"}})
partners = env["res.partner"].create([{"name": f"Faults customer {n}"} for n in range(SUBS)])
for first in range(0, SUBS, 200):
    env["sale.order"].create([{
        "partner_id": partners[n].id, "x_fc_service_id": service.id,
        "x_fc_external_id": f"rate-{n}", "x_fc_plan_id": plan.id, "state": "sale",
        "subscription_state": "3_progress", "start_date": start, "next_invoice_date": closes,
        # Even subscriptions ended ten days into the period: a final invoice of usage.
        "end_date": start + timedelta(days=9) if n % 2 == 0 else False,
        "order_line": [Command.create({"product_id": plan_product.id, "price_unit": 10.0})],
    } for n in range(first, min(first + 200, SUBS))])
    env.cr.commit()
at = datetime.combine(start + timedelta(days=3), datetime.min.time(), UTC)
pushes = [{"transaction_id": f"calls-{n}-{k}", "external_subscription_id": f"rate-{n}",
           "code": "calls", "timestamp": (at + timedelta(hours=k)).isoformat(),
           "properties": {"value": n % 7 + k + 1}} for n in range(SUBS) for k in range(3)]
for first in range(0, len(pushes), 100):
    _rows, errors = env["fusion.billing.usage"]._ingest(service, pushes[first:first + 100])
    assert not errors, errors
env.cr.commit()
print(f"SERVICE={service.id}")
