# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Data for bench/reconciliation.py, run in ``odoo shell`` by ``tools/bench-odoo.sh
reconciliation``: a shadow service with five metrics, a monthly plan, FCB_BENCH_SUBS
(default 10,000) subscriptions that started three months ago, and Odoo's side of their
three closed periods (each metric and the total, written by the same merge the rating
uses). Prints ``KEY=<key>`` and ``SERVICE=<id>``."""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import os
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

SUBSCRIPTIONS = int(os.environ.get("FCB_BENCH_SUBS", "10000"))
METRICS = ("calls", "storage", "seats", "bandwidth", "builds")

service = env["fusion.billing.service"].create({"name": "Bench", "code": "bench_rec"})
for code in METRICS:
    env["fusion.billing.metric"].create({"service_id": service.id, "name": code, "code": code})
plan = env["sale.subscription.plan"].create({
    "name": "Bench", "billing_period_unit": "month", "x_fc_plan_code": "bench",
    "x_fc_service_id": service.id,
})
partner = env["res.partner"].create({"name": "Bench customer"})
first = (date.today().replace(day=1) - relativedelta(months=3))
for chunk in range(0, SUBSCRIPTIONS, 1000):
    env["sale.order"].create([{
        "partner_id": partner.id, "x_fc_service_id": service.id, "x_fc_plan_id": plan.id,
        "x_fc_external_id": f"sub-{index}", "start_date": first,
    } for index in range(chunk, min(chunk + 1000, SUBSCRIPTIONS))])
    env.cr.commit()
Reconciliation = env["fusion.billing.reconciliation"]
for chunk in range(0, SUBSCRIPTIONS, 500):
    items = []
    for index in range(chunk, min(chunk + 500, SUBSCRIPTIONS)):
        for month in range(3):
            start = first + relativedelta(months=month)
            end = start + relativedelta(months=1, days=-1)
            key = {"subscription_key": f"sub-{index}", "period_start": start,
                   "period_end": end, "partner_id": partner.id}
            amounts = [Decimal(100 + (index + n) % 900) / 100 for n in range(len(METRICS))]
            items += [{**key, "metric_code": code, "amount": amount}
                      for code, amount in zip(METRICS, amounts, strict=True)]
            items.append({**key, "metric_code": "", "amount": sum(amounts)})
    Reconciliation._fc_merge(service, "odoo", items, "rating")
    env.cr.commit()
env.cr.execute("ANALYZE fusion_billing_reconciliation")
env.cr.commit()
print(f"KEY={service._generate_key('bench')}")
print(f"SERVICE={service.id}")
env.cr.commit()
