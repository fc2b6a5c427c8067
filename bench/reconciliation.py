# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The dual run's intake over HTTP: ``bash tools/bench-odoo.sh reconciliation``.

``python bench/reconciliation.py BASE_URL KEY`` from the project's .venv, against one
Odoo worker holding bench/reconciliation_setup.py's data (FCB_BENCH_SUBS subscriptions,
default 10,000, each with Odoo's figures for 3 closed periods x 5 metrics and a total):

* baseline: ``GET /health`` (no key, no query) requests per second, the same run;
* ``POST /reconciliation/app_invoices``: every subscription's 3 periods x 5 metrics, 100
  app invoices (500 metric amounts) per request, FCB_BENCH_THREADS (default 2) clients:
  metric amounts per second; every line is matched or judged in the request.

Bodies are encoded before the clock starts. Goal 2,000 amounts/s (floor 1,000). The
readiness panel is timed afterwards in ``odoo shell`` (bench/reconciliation_panel.py).
"""

import json
import os
import statistics
import sys
import threading
import time
from datetime import date, timedelta

import requests

SUBSCRIPTIONS = int(os.environ.get("FCB_BENCH_SUBS", "10000"))
THREADS = int(os.environ.get("FCB_BENCH_THREADS", "2"))
HEALTH_SECONDS = float(os.environ.get("FCB_BENCH_SECONDS", "10"))
METRICS = ("calls", "storage", "seats", "bandwidth", "builds")


def add_months(day, months):
    """The 1st of the month ``months`` after ``day``'s (the client has no dateutil)."""
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, 1)


def bodies():
    """300 bodies of 100 app invoices for 10,000 subscriptions: what Odoo computed, one
    subscription in 50 a cent too high on one metric (still a match), one in 100 off by
    a dollar (a mismatch)."""
    first = add_months(date.today(), -3)
    invoices = []
    for index in range(SUBSCRIPTIONS):
        for month in range(3):
            start = add_months(first, month)
            end = add_months(start, 1) - timedelta(days=1)
            cents = [100 + (index + n) % 900 for n in range(len(METRICS))]
            if index % 50 == 0:
                cents[0] += 1
            if index % 100 == 1:
                cents[1] += 100
            invoices.append({
                "invoice_id": f"app-{index}-{month}", "external_subscription_id": f"sub-{index}",
                "from_date": start.isoformat(), "to_date": end.isoformat(), "currency": "USD",
                "amount_cents": sum(cents),
                "fees": [{"billable_metric_code": code, "amount_cents": amount}
                         for code, amount in zip(METRICS, cents, strict=True)],
            })
    return [json.dumps({"app_invoices": invoices[n:n + 100]}).encode()
            for n in range(0, len(invoices), 100)]


def in_threads(run):
    """Run ``run`` in FCB_BENCH_THREADS client threads; return the seconds it took."""
    began = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - began


def health_ceiling(base_url):
    stop = time.monotonic() + HEALTH_SECONDS
    counts = []

    def run():
        session, count = requests.Session(), 0
        while time.monotonic() < stop:
            assert session.get(f"{base_url}/health", timeout=30).status_code == 200
            count += 1
        counts.append(count)

    seconds = in_threads(run)
    return sum(counts) / seconds


def push(base_url, key, payloads):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    queue = list(enumerate(payloads))
    lock, latencies, outcomes = threading.Lock(), [], {}

    def run():
        session = requests.Session()
        while True:
            with lock:
                if not queue:
                    return
                _index, body = queue.pop()
            began = time.perf_counter()
            response = session.post(f"{base_url}/reconciliation/app_invoices", data=body,
                                    headers=headers, timeout=120)
            elapsed = (time.perf_counter() - began) * 1000
            assert response.status_code == 200, response.text[:500]
            with lock:
                latencies.append(elapsed)
                for item in response.json()["app_invoices"]:
                    outcomes[item["outcome"]] = outcomes.get(item["outcome"], 0) + 1

    return in_threads(run), latencies, outcomes


def main(base_url, key):
    payloads = bodies()
    ceiling = health_ceiling(base_url)
    print(f"baseline GET /health:            {ceiling:8.0f} requests/s ({THREADS} clients)")
    seconds, latencies, outcomes = push(base_url, key, payloads)
    amounts = SUBSCRIPTIONS * 3 * len(METRICS)
    cuts = statistics.quantiles(latencies, n=100)
    print(f"POST /reconciliation/app_invoices: {amounts / seconds:8.0f} amounts/s "
          f"({amounts:,} metric amounts and {amounts // len(METRICS):,} totals in "
          f"{len(payloads)} requests of 100 invoices, {seconds:.1f} s; p50 {cuts[49]:.0f} ms, "
          f"p95 {cuts[94]:.0f} ms; {len(payloads) / seconds / ceiling:.3f} of the baseline in "
          f"requests); outcomes {outcomes}")
    print("goal: >= 2,000 amounts/s (floor 1,000)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
