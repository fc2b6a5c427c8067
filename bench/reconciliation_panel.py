# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The readiness panel of the bench service, in ``odoo shell`` after
bench/reconciliation.py: the service form's readiness fields read as the form reads
them (median of 10 reads, cache cleared each time), beside a baseline in the same run:
counting the service's reconciliation lines (one indexed aggregate over the same rows).
Goal under 300 ms (floor 1 s)."""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import statistics
import time

service = env["fusion.billing.service"].search([("code", "=", "bench_rec")])
fields_read = service._fc_readiness_fields()


def timed(work, runs=10):
    samples = []
    for _ in range(runs):
        env.invalidate_all()
        began = time.perf_counter()
        work()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


rows = env["fusion.billing.reconciliation"].search_count([("service_id", "=", service.id)])
baseline = timed(lambda: env["fusion.billing.reconciliation"].search_count(
    [("service_id", "=", service.id)]))
panel = timed(lambda: service.read(fields_read))
values = service.read(fields_read)[0]
print(f"baseline count of {rows:,} lines: {baseline:7.1f} ms")
print(f"readiness panel:                 {panel:7.1f} ms (goal < 300 ms, floor 1 s); "
      f"{values['readiness_ready_subscriptions']:,} of {values['readiness_subscriptions']:,} "
      f"subscriptions ready, {values['readiness_matched_share']}% of lines matched, "
      f"difference {values['readiness_difference']:.2f}")
