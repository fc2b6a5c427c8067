# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Current usage latency: ``bash tools/bench-odoo.sh bench/current_usage.py`` (odoo shell).

Fills FCB_BENCH_ROWS (default 1,000,000) usage rows over FCB_BENCH_SUBS (default 10,000)
subscriptions of one plan with four charges (standard on a sum, volume on a max, package
on a unique count, percentage with a per-event fee on a sum, so one metric's values are
read one by one), over the 20 days of the open period. Then it times
``sale.order._fc_current_usage()`` for 500 random subscriptions, each with an empty ORM
cache, and prints p50/p95/p99 (goal: p95 <= 25 ms). In the same run, as a baseline, the
plainest query that touches the same rows (one SUM over the subscription's period) is
timed for the same subscriptions, and so is the floor of the open period (the day after
the last rated period, one query on rated usage) that the current usage reads first.
"""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

ROWS = int(os.environ.get("FCB_BENCH_ROWS", "1000000"))
SUBSCRIPTIONS = int(os.environ.get("FCB_BENCH_SUBS", "10000"))
SAMPLES = 500
random.seed(11)


def setup():
    service = env["fusion.billing.service"].create({"name": "Bench", "code": "bench_usage"})
    product = env["product.product"].create({"name": "Bench usage", "type": "service"})
    plan = env["sale.subscription.plan"].create({"name": "Bench", "billing_period_unit": "month"})
    specs = [
        ("calls", "sum", "standard", {"amount": "0.002"}),
        ("storage", "max", "volume", {"volume_ranges": [
            {"from_value": 0, "to_value": 100, "per_unit_amount": "0.1", "flat_amount": "0"},
            {"from_value": 100, "to_value": None, "per_unit_amount": "0.05",
             "flat_amount": "0"}]}),
        ("users", "unique", "package", {"amount": "5", "package_size": 10, "free_units": 2}),
        ("sales", "sum", "percentage", {"rate": "2.5", "fixed_amount": "0.10"}),
    ]
    metrics = []
    for code, aggregation, model, properties in specs:
        metric = env["fusion.billing.metric"].create({
            "service_id": service.id, "name": code, "code": code, "aggregation": aggregation,
        })
        env["fusion.billing.charge"].create({
            "plan_id": plan.id, "metric_id": metric.id, "product_id": product.id,
            "charge_model": model, "properties": properties,
        })
        metrics.append(metric.id)
    partner = env["res.partner"].create({"name": "Bench customer"})
    # Subscriptions began 20 days ago: the open period holds the 20 days of rows.
    start = datetime.now(UTC).date() - timedelta(days=20)
    order_ids = []
    for chunk in range(0, SUBSCRIPTIONS, 1000):
        order_ids += env["sale.order"].create([{
            "partner_id": partner.id, "x_fc_service_id": service.id, "x_fc_plan_id": plan.id,
            "x_fc_external_id": f"sub-{index}", "start_date": start,
        } for index in range(chunk, min(chunk + 1000, SUBSCRIPTIONS))]).ids
        env.cr.commit()
    env.cr.execute(
        """
        INSERT INTO fusion_billing_usage (service_id, company_id, metric_id, subscription_id,
               partner_id, external_subscription_id, transaction_id, timestamp, quantity,
               unique_key, state, revision, create_date, write_date)
        SELECT %(service)s, %(company)s, m.id, o.id, %(partner)s, o.x_fc_external_id,
               'tx-' || g, %(start)s::timestamp + (g %% (20 * 86400)) * interval '1 second',
               (g %% 997)::numeric / 10, 'user-' || (g %% 37), 'pushed', 0, NOW(), NOW()
          FROM generate_series(1, %(rows)s) g
          JOIN sale_order o ON o.id = (%(orders)s::int[])[1 + g %% %(subs)s]
          JOIN fusion_billing_metric m ON m.id = (%(metrics)s::int[])[1 + (g / %(subs)s) %% 4]
        """,
        {"service": service.id, "company": service.company_id.id, "partner": partner.id,
         "start": start, "rows": ROWS, "orders": order_ids, "subs": SUBSCRIPTIONS,
         "metrics": metrics},
    )
    env.cr.execute("ANALYZE fusion_billing_usage")
    env.cr.commit()
    return order_ids, start


def percentiles(samples):
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[94], cuts[98]


def main():
    order_ids, start = setup()
    picks = random.sample(order_ids, SAMPLES)
    ours, plain, floor = [], [], []
    for order_id in picks:
        env.invalidate_all()
        order = env["sale.order"].browse(order_id)
        began = time.perf_counter()
        usage = order._fc_current_usage()
        ours.append((time.perf_counter() - began) * 1000)
        assert usage["charges"], usage
        began = time.perf_counter()
        env.cr.execute(
            "SELECT SUM(quantity) FROM fusion_billing_usage"
            " WHERE subscription_id = %s AND timestamp >= %s",
            [order_id, start],
        )
        env.cr.fetchall()
        plain.append((time.perf_counter() - began) * 1000)
        env.invalidate_all()
        began = time.perf_counter()
        env["sale.order"].browse(order_id).x_fc_rated_until  # noqa: B018 (the read is timed)
        floor.append((time.perf_counter() - began) * 1000)
    print(f"rows: {ROWS} over {SUBSCRIPTIONS} subscriptions"
          f" (~{ROWS // SUBSCRIPTIONS} per subscription, 4 charges); {SAMPLES} samples")
    for name, samples in (("_fc_current_usage", ours), ("baseline SUM query", plain),
                          ("of which the floor", floor)):
        p50, p95, p99 = percentiles(samples)
        print(f"{name:20} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  p99 {p99:6.2f} ms")
    print("goal: p95 <= 25 ms (floor 50 ms)")


main()
