# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Import throughput: ``bash tools/bench-odoo.sh bench/import.py`` (runs in odoo shell).

Imports FCB_BENCH_SUBSCRIPTIONS (default 10,000) subscriptions of FCB_BENCH_CUSTOMERS
(default 5,000) customers, each customer with one Stripe card, from CSV files through the
wizard's reader and ``fusion.billing.import.run._fc_import``, then runs the same import
again (every row updated). Stripe's API is a fake served on loopback. Goal: the first
import under 2 minutes (floor: 5). With FCB_BENCH_PROFILE=1 it also prints the 25
costliest functions of the first import (cProfile).
"""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import cProfile
import csv
import io
import os
import pstats
import sys
import time

import stripe

import odoo.addons.fusion_centralize_billing as addon
from odoo.addons.fusion_centralize_billing.wizard import fusion_billing_import_source as sources

sys.path.insert(0, os.path.join(addon.__path__[0], "bench"))
from fake_stripe import serve  # noqa: E402  (bench/ is not a package)

CUSTOMERS = int(os.environ.get("FCB_BENCH_CUSTOMERS", "5000"))
SUBSCRIPTIONS = int(os.environ.get("FCB_BENCH_SUBSCRIPTIONS", "10000"))
KEY = "sk_test_bench"


def csv_bytes(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def files():
    customers = [{"id": f"cus_{i}", "email": f"client{i}@bench.example", "name": f"Client {i}",
                  "stripe_customer_id": f"cus_S{i}"} for i in range(CUSTOMERS)]
    plans = [{"code": "pro", "monthly_price": "49.00", "yearly_price": None},
             {"code": "team", "monthly_price": None, "yearly_price": "490.00"},
             {"code": "free", "monthly_price": "0.00", "yearly_price": None}]
    cycles = [("pro", "monthly"), ("team", "yearly"), ("free", "monthly")]
    subscriptions = []
    for i in range(SUBSCRIPTIONS):
        customer = i % CUSTOMERS
        code, cycle = cycles[i % len(cycles)]
        subscriptions.append({
            "id": f"sub_{i}", "customer_id": f"cus_{customer}", "plan_code": code,
            "billing_cycle": cycle, "status": "active", "current_period_start": "2026-11-01",
            "current_period_end": "2026-12-01" if cycle == "monthly" else "2027-11-01",
            "stripe_subscription_id": f"sub_S{i}",
            "stripe_payment_method_id": f"pm_card_{customer}",
        })
    return {"customers": csv_bytes(customers), "plans": csv_bytes(plans),
            "subscriptions": csv_bytes(subscriptions)}


def setup():
    service = env["fusion.billing.service"].create({"name": "Bench", "code": "bench_import"})
    for code, unit, price in (("pro", "month", 49.0), ("team", "year", 490.0),
                              ("free", "month", 0.0)):
        product = env["product.product"].create({
            "name": f"Bench {code}", "type": "service", "invoice_policy": "order",
            "recurring_invoice": True, "list_price": price})
        env["sale.subscription.plan"].create({
            "name": f"Bench {code}", "x_fc_plan_code": code, "x_fc_service_id": service.id,
            "billing_period_unit": unit, "x_fc_product_id": product.id})
    provider = env["payment.provider"].search(
        [("code", "=", "stripe"), ("company_id", "=", service.company_id.id)], limit=1)
    provider.write({"stripe_secret_key": KEY, "stripe_publishable_key": "pk_test_bench",
                    "state": "test"})
    env.cr.commit()
    return service


def run(service, data):
    started = time.perf_counter()
    source = sources.read_files(env, data)
    result = env["fusion.billing.import.run"]._fc_import(
        service, source, dry_run=False, source_type="csv", source_label="bench")
    env.cr.commit()
    return time.perf_counter() - started, result


def main():
    server = serve()
    stripe.api_base = server.url
    service = setup()
    data = files()
    profiler = cProfile.Profile() if os.environ.get("FCB_BENCH_PROFILE") else None
    if profiler:
        profiler.enable()
    first, result = run(service, data)
    if profiler:
        profiler.disable()
    print(f"import: {SUBSCRIPTIONS} subscriptions of {CUSTOMERS} customers "
          f"({CUSTOMERS} Stripe cards): {first:.1f} s; created {result.created_count}, "
          f"updated {result.updated_count}, read {result.read_count}, "
          f"skipped {result.skipped_count}, "
          f"failed {result.failed_count}; goal < 120 s (floor 300 s)")
    again, result = run(service, data)
    print(f"re-run (every row updated): {again:.1f} s; updated {result.updated_count}, "
          f"failed {result.failed_count}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        if os.environ.get("FCB_BENCH_PROFILE_OUT"):
            profiler.dump_stats(os.environ["FCB_BENCH_PROFILE_OUT"])
    server.shutdown()


main()
