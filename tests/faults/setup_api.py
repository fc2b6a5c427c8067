# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fault suite, API under a PostgreSQL restart: a live service with a metric ``calls``,
FCB_FAULTS_API_SUBS subscriptions ``api-<n>`` started 10 days ago, and a key. Run in
``odoo shell``; prints SERVICE=<id> and KEY=<key>."""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import os
from datetime import UTC, datetime, timedelta

SUBS = int(os.environ.get("FCB_FAULTS_API_SUBS", "100"))

service = env["fusion.billing.service"].create({"name": "Faults API", "code": "faults_api",
                                                "mode": "live"})
metric = env["fusion.billing.metric"].create({"service_id": service.id, "name": "Calls",
                                              "code": "calls"})
product = env["product.product"].create({"name": "Faults API calls", "type": "service"})
plan = env["sale.subscription.plan"].create({
    "name": "Faults API", "billing_period_unit": "month", "x_fc_plan_code": "faults_api",
    "x_fc_service_id": service.id})
env["fusion.billing.charge"].create({
    "plan_id": plan.id, "metric_id": metric.id, "product_id": product.id,
    "charge_model": "standard", "properties": {"amount": "0.01"}})
partner = env["res.partner"].create({"name": "Faults API customer"})
start = datetime.now(UTC).date() - timedelta(days=10)
env["sale.order"].create([{
    "partner_id": partner.id, "x_fc_service_id": service.id, "x_fc_plan_id": plan.id,
    "x_fc_external_id": f"api-{n}", "start_date": start,
    "next_invoice_date": start + timedelta(days=30)} for n in range(SUBS)])
env.cr.commit()
print(f"SERVICE={service.id}")
print(f"KEY={service._generate_key('faults')}")
env.cr.commit()
