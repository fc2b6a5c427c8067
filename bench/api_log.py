# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The API log's cost on the server, without HTTP: ``bash tools/bench-odoo.sh
bench/api_log.py`` (runs in odoo shell).

A ``POST /events/batch`` request is, on the server, a batch of 100 pushes through
``fusion.billing.usage._ingest`` and a commit; with the API log on, it is the same plus
the log's one INSERT (``fusion.billing.api.log._fc_write``) before the commit. Both are
timed in FCB_BENCH_BATCHES (default 400) pairs of neighbouring batches over 1,000
subscriptions, which of the two first alternating: the overhead is the median of the
differences within the pairs, over the batch's median (goal: at most 5 %).
The HTTP figure of the same (a noisier one on a shared machine) is in ``bench/api.py``.
"""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import os
import statistics
import time
from datetime import UTC, datetime, timedelta

BATCHES = int(os.environ.get("FCB_BENCH_BATCHES", "400"))
SUBSCRIPTIONS = 1000

service = env["fusion.billing.service"].create({"name": "Bench", "code": "bench_api_log"})
env["fusion.billing.metric"].create({"service_id": service.id, "name": "Calls", "code": "calls"})
partner = env["res.partner"].create({"name": "Bench customer"})
plan = env["sale.subscription.plan"].create({"name": "Bench", "billing_period_unit": "month"})
env["sale.order"].create([{
    "partner_id": partner.id, "x_fc_service_id": service.id, "x_fc_plan_id": plan.id,
    "x_fc_external_id": f"sub-{index}", "start_date": "2026-01-01",
} for index in range(SUBSCRIPTIONS)])
env.cr.commit()
Usage, Log = env["fusion.billing.usage"], env["fusion.billing.api.log"]
now = datetime.now(UTC)
stamp = (now - timedelta(hours=1)).isoformat()


def batch(number, logged):
    """One request's server work: 100 new pushes, the log row if on, the commit (ms)."""
    first = number % 10 * 100
    pushes = [{"transaction_id": f"calls-{number}", "external_subscription_id": f"sub-{n}",
               "code": "calls", "timestamp": stamp, "properties": {"value": 3}}
              for n in range(first, first + 100)]
    began = time.perf_counter()
    _results, errors = Usage._ingest(service, pushes, now=now)
    assert not errors, errors
    if logged:
        Log._fc_write(service.id, "POST", "/events/batch", 200, 12.5, "0123abcd", None)
    env.cr.commit()
    return (time.perf_counter() - began) * 1000


# Pairs of neighbouring batches, one with the log and one without, which first
# alternating: the difference within a pair is free of the machine's drift.
offs, differences = [], []
for pair in range(BATCHES):
    order = (False, True) if pair % 2 == 0 else (True, False)
    taken = {logged: batch(2 * pair + index, logged) for index, logged in enumerate(order)}
    offs.append(taken[False])
    differences.append(taken[True] - taken[False])
off, extra = statistics.median(offs), statistics.median(differences)
print(f"batch of 100 pushes and its commit: {off:.2f} ms median without the API log; the "
      f"log adds {extra:+.3f} ms (median of {BATCHES} neighbouring pairs), "
      f"{extra / off * 100:+.1f} % (goal: at most 5 %)")
