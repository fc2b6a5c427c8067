# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Ingestion throughput: ``bash tools/bench-odoo.sh bench/ingest.py`` (runs in odoo shell).

Pushes FCB_BENCH_ROWS (default 200,000) usage rows over 1,000 subscriptions through
``fusion.billing.usage._ingest`` in batches of 100, committing each batch as an API
request would. In the same run, batch by batch, the same rows go into a scratch copy of
the table (same columns, constraints, indexes and foreign keys) with one raw
``INSERT ... ON CONFLICT DO NOTHING`` per batch (psycopg2 ``execute_values``): the floor
for any ingestion into that table. It prints both rates and their ratio (goal: ingestion
>= 0.5 x raw). With FCB_BENCH_PROFILE=1 it also prints the 25 costliest functions of the
ingestion (cProfile).
"""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import cProfile
import json
import os
import pstats
import random
import time
from datetime import UTC, datetime, timedelta

from psycopg2.extras import execute_values

ROWS = int(os.environ.get("FCB_BENCH_ROWS", "200000"))
BATCH = 100
SUBSCRIPTIONS = 1000
random.seed(7)


def setup():
    service = env["fusion.billing.service"].create({"name": "Bench", "code": "bench_ingest"})
    metric = env["fusion.billing.metric"].create({
        "service_id": service.id, "name": "Calls", "code": "calls",
    })
    partner = env["res.partner"].create({"name": "Bench customer"})
    plan = env["sale.subscription.plan"].create({"name": "Bench", "billing_period_unit": "month"})
    orders = env["sale.order"].create([{
        "partner_id": partner.id, "x_fc_service_id": service.id, "x_fc_plan_id": plan.id,
        "x_fc_external_id": f"sub-{index}", "start_date": "2026-01-01",
    } for index in range(SUBSCRIPTIONS)])
    # The same table shape: columns, defaults, constraints, indexes and foreign keys (which
    # LIKE does not copy), so the difference is ingestion's own work, not the database's.
    env.cr.execute(
        "CREATE TABLE bench_raw_usage (LIKE fusion_billing_usage INCLUDING ALL)")
    env.cr.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'fusion_billing_usage'::regclass AND contype = 'f'")
    for (definition,) in env.cr.fetchall():
        env.cr.execute(f"ALTER TABLE bench_raw_usage ADD {definition}")
    env.cr.commit()
    return service, metric, orders


def pushes_for(now):
    for index in range(ROWS):
        sub = index % SUBSCRIPTIONS
        yield {
            "transaction_id": f"calls-{index // SUBSCRIPTIONS}",
            "external_subscription_id": f"sub-{sub}",
            "code": "calls",
            "timestamp": (now - timedelta(seconds=random.randint(60, 20 * 86400))).isoformat(),
            "properties": {"value": str(random.randint(1, 5000))},
        }


def raw_rows(batch, service, metric, order_ids):
    stamp = datetime.now(UTC).replace(tzinfo=None)
    return [(
        service.id, service.company_id.id, metric.id, order_ids[push["external_subscription_id"]],
        push["external_subscription_id"], push["transaction_id"],
        datetime.fromisoformat(push["timestamp"]).replace(tzinfo=None),
        push["properties"]["value"], json.dumps(push["properties"]), "pushed", 0,
        env.uid, env.uid, stamp, stamp,
    ) for push in batch]


RAW_INSERT = (
    "INSERT INTO bench_raw_usage (service_id, company_id, metric_id, subscription_id,"
    " external_subscription_id, transaction_id, timestamp, quantity, properties, state,"
    " revision, create_uid, write_uid, create_date, write_date) VALUES %s"
    " ON CONFLICT (service_id, external_subscription_id, transaction_id) DO NOTHING"
)


def main():
    service, metric, orders = setup()
    order_ids = {order.x_fc_external_id: order.id for order in orders}
    now = datetime.now(UTC)
    pushes = list(pushes_for(now))
    usage = env["fusion.billing.usage"]
    ours = raw = 0.0
    profile = cProfile.Profile() if os.environ.get("FCB_BENCH_PROFILE") else None
    for start in range(0, ROWS, BATCH):
        batch = pushes[start:start + BATCH]
        rows = raw_rows(batch, service, metric, order_ids)  # prepared outside the clock
        began = time.perf_counter()
        execute_values(env.cr._obj, RAW_INSERT, rows, page_size=BATCH)
        env.cr.commit()
        raw += time.perf_counter() - began
        env.invalidate_all()  # each API request starts with an empty cache
        began = time.perf_counter()
        if profile:
            profile.enable()
        _results, errors = usage._ingest(service, batch, now=now)
        env.cr.commit()
        if profile:
            profile.disable()
        ours += time.perf_counter() - began
        assert not errors, errors
    env.cr.execute("SELECT COUNT(*) FROM fusion_billing_usage WHERE service_id = %s",
                   [service.id])
    stored = env.cr.fetchone()[0]
    assert stored == ROWS, stored
    print(f"rows: {ROWS} in batches of {BATCH} over {SUBSCRIPTIONS} subscriptions")
    print(f"raw INSERT ... ON CONFLICT: {raw:7.2f} s  {ROWS / raw:9.0f} rows/s")
    print(f"_ingest (judge + store):    {ours:7.2f} s  {ROWS / ours:9.0f} rows/s")
    print(f"ratio ingest/raw: {raw / ours:.2f} (goal >= 0.5)")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    env.cr.execute("DROP TABLE bench_raw_usage")
    env.cr.commit()


main()
