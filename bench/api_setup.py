# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Data for bench/api.py, run in ``odoo shell`` by ``tools/bench-odoo.sh api``: a live
service with a key, a plan with a graduated charge, FCB_BENCH_SUBS (default 10,000)
subscriptions and FCB_BENCH_ROWS (default 1,000,000) usage rows over their open period.
Prints ``KEY=<key>`` and ``SERVICE=<id>`` for the client (which switches the service's
API log off and on through XML-RPC)."""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import os
from datetime import UTC, datetime, timedelta

ROWS = int(os.environ.get("FCB_BENCH_ROWS", "1000000"))
SUBSCRIPTIONS = int(os.environ.get("FCB_BENCH_SUBS", "10000"))

service = env["fusion.billing.service"].create({"name": "Bench", "code": "bench_api"})
metric = env["fusion.billing.metric"].create({
    "service_id": service.id, "name": "Calls", "code": "calls",
})
product = env["product.product"].create({"name": "Bench usage", "type": "service"})
plan = env["sale.subscription.plan"].create({
    "name": "Bench", "billing_period_unit": "month", "x_fc_plan_code": "bench",
    "x_fc_service_id": service.id,
})
env["fusion.billing.charge"].create({
    "plan_id": plan.id, "metric_id": metric.id, "product_id": product.id,
    "charge_model": "graduated", "properties": {"graduated_ranges": [
        {"from_value": 0, "to_value": 1000, "per_unit_amount": "0.01", "flat_amount": "0"},
        {"from_value": 1000, "to_value": None, "per_unit_amount": "0.005", "flat_amount": "1"},
    ]},
})
partner = env["res.partner"].create({"name": "Bench customer"})
link = env["fusion.billing.account.link"].create({
    "service_id": service.id, "external_id": "cus_bench", "partner_id": partner.id,
})
start = datetime.now(UTC).date() - timedelta(days=20)
order_ids = []
for chunk in range(0, SUBSCRIPTIONS, 1000):
    order_ids += env["sale.order"].create([{
        "partner_id": partner.id, "x_fc_service_id": service.id, "x_fc_plan_id": plan.id,
        "x_fc_external_id": f"sub-{index}", "x_fc_account_link_id": link.id,
        "start_date": start,
    } for index in range(chunk, min(chunk + 1000, SUBSCRIPTIONS))]).ids
    env.cr.commit()
env.cr.execute(
    """
    INSERT INTO fusion_billing_usage (service_id, company_id, metric_id, subscription_id,
           partner_id, external_subscription_id, transaction_id, timestamp, quantity,
           state, revision, create_date, write_date, lago_id)
    SELECT %(service)s, %(company)s, %(metric)s, o.id, %(partner)s, o.x_fc_external_id,
           'seed-' || g, %(start)s::timestamp + (g %% (20 * 86400)) * interval '1 second',
           (g %% 97)::numeric, 'pushed', 0, NOW(), NOW(), gen_random_uuid()::text
      FROM generate_series(1, %(rows)s) g
      JOIN sale_order o ON o.id = (%(orders)s::int[])[1 + g %% %(subs)s]
    """,
    {"service": service.id, "company": service.company_id.id, "metric": metric.id,
     "partner": partner.id, "start": start, "rows": ROWS, "orders": order_ids,
     "subs": SUBSCRIPTIONS},
)
env.cr.execute("ANALYZE fusion_billing_usage")
env.cr.commit()
print(f"KEY={service._generate_key('bench')}")
print(f"SERVICE={service.id}")
env.cr.commit()
