# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The API over HTTP: ``bash tools/bench-odoo.sh api`` (starts one Odoo worker).

``python bench/api.py BASE_URL KEY`` from the project's .venv, against a server holding
bench/api_setup.py's data:

* ceiling: ``GET /health`` (auth='none', no key, no query) requests per second;
* ``POST /events/batch`` with 100 new events per request: events per second;
* ``GET /customers/{id}/current_usage`` on random subscriptions (about 100 rows each),
  one client: p50/p95 in milliseconds;
* the API log's cost: ``POST /events/batch`` again in FCB_BENCH_LOG_PAIRS (default 6)
  pairs of rounds of FCB_BENCH_SECONDS / 4, the service's API log off in one and on in
  the other, their order alternating (a drift of the machine weighs on both alike),
  switched through XML-RPC as the admin; the overhead is the drop of events per second
  with the log on (the goal: at most 5 %).

``python bench/api.py BASE_URL KEY [DATABASE SERVICE_ID]``: without the last two, the
API log's cost is not measured.

The first two loads run FCB_BENCH_THREADS (default 4) client threads; each load runs for
FCB_BENCH_SECONDS (default 20) seconds, on loopback. The batches' bodies are encoded
before the clock starts.
"""

import json
import os
import random
import statistics
import sys
import threading
import time
import xmlrpc.client
from datetime import UTC, datetime, timedelta

import requests

THREADS = int(os.environ.get("FCB_BENCH_THREADS", "4"))
SECONDS = float(os.environ.get("FCB_BENCH_SECONDS", "20"))
SUBSCRIPTIONS = int(os.environ.get("FCB_BENCH_SUBS", "10000"))
# Request bodies made ahead per client thread: more than one thread can send in the time.
BODIES = int(os.environ.get("FCB_BENCH_BODIES", "2000"))
# Pairs of rounds (log off, log on) of the API log's cost.
LOG_PAIRS = int(os.environ.get("FCB_BENCH_LOG_PAIRS", "6"))


def load(work, threads=THREADS):
    """Run ``work(session, thread, index)`` in threads until the time is up; return
    (calls, seconds, latencies in ms)."""
    stop = time.monotonic() + SECONDS
    latencies, lock = [], threading.Lock()

    def run(thread):
        session = requests.Session()
        index, mine = 0, []
        while time.monotonic() < stop:
            began = time.perf_counter()
            work(session, thread, index)
            mine.append((time.perf_counter() - began) * 1000)
            index += 1
        with lock:
            latencies.extend(mine)

    began = time.monotonic()
    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(latencies), time.monotonic() - began, latencies


def switch_api_log(base_url, database, service_id, days):
    """Set the service's API log retention (0: off) as the admin, through XML-RPC."""
    root = base_url.split("/api/")[0]
    uid = xmlrpc.client.ServerProxy(f"{root}/xmlrpc/2/common").authenticate(
        database, "admin", "admin", {})
    xmlrpc.client.ServerProxy(f"{root}/xmlrpc/2/object").execute_kw(
        database, uid, "admin", "fusion.billing.service", "write",
        [[int(service_id)], {"api_log_days": days}])


def api_log_overhead(base_url, database, service_id, batch):
    """Events per second of ``batch`` with the service's API log off and on, in pairs of
    short rounds whose order alternates (off-on, on-off, ...), so a drift of a shared
    machine weighs on both alike; the overhead of each pair, and of the means."""
    global SECONDS  # noqa: PLW0603 - the rounds are shorter than the loads above
    whole, SECONDS = SECONDS, SECONDS / 4
    rates, pairs = {0: [], 30: []}, []
    try:
        for pair in range(LOG_PAIRS):
            measured = {}
            for days in ((0, 30) if pair % 2 == 0 else (30, 0)):
                switch_api_log(base_url, database, service_id, days)
                calls, seconds, _lat = load(batch)
                measured[days] = calls * 100 / seconds
                rates[days].append(measured[days])
            pairs.append((measured[0] - measured[30]) / measured[0] * 100)
    finally:
        SECONDS = whole
        switch_api_log(base_url, database, service_id, 30)
    off, on = statistics.mean(rates[0]), statistics.mean(rates[30])
    return (f"API log off: {off:8.0f} events/s; on: {on:8.0f} events/s over {LOG_PAIRS} "
            f"pairs of {whole / 4:.0f} s rounds; overhead {(off - on) / off * 100:+.1f} % "
            f"of the means, {statistics.median(pairs):+.1f} % median of the pairs "
            f"({', '.join(f'{p:+.0f}' for p in pairs)}); goal: at most 5 %")


def main(base_url, key, database=None, service_id=None):
    auth = {"Authorization": f"Bearer {key}"}
    now = datetime.now(UTC)

    def health(session, _thread, _index):
        response = session.get(f"{base_url}/health", timeout=30)
        assert response.status_code == 200, response.text

    # The bodies are made before the clock starts: the clients share the machine's cores
    # with the server, and the load should measure the server, not JSON-encoding random
    # events (about a third of a client's time per request when made on the fly).
    bodies = [[json.dumps({"events": [{
        "transaction_id": f"bench-{thread}-{index}-{n}",
        "external_subscription_id": f"sub-{random.randrange(SUBSCRIPTIONS)}",
        "code": "calls", "properties": {"value": random.randint(1, 50)},
        "timestamp": (now - timedelta(seconds=random.randint(60, 86400))).isoformat(),
    } for n in range(100)]}).encode() for index in range(BODIES)] for thread in range(THREADS)]
    batch_headers = {**auth, "Content-Type": "application/json"}

    sent = [0] * THREADS  # bodies used per thread: every load pushes new events

    def batch(session, thread, _index):
        body = bodies[thread][sent[thread]]
        sent[thread] += 1
        response = session.post(f"{base_url}/events/batch", data=body,
                                headers=batch_headers, timeout=60)
        assert response.status_code == 200, response.text[:500]

    def usage(session, _thread, _index):
        sub = random.randrange(SUBSCRIPTIONS)
        response = session.get(
            f"{base_url}/customers/cus_bench/current_usage",
            params={"external_subscription_id": f"sub-{sub}"}, headers=auth, timeout=30)
        assert response.status_code == 200, response.text[:500]

    calls, seconds, _lat = load(health)
    ceiling = calls / seconds
    print(f"ceiling GET /health: {ceiling:8.0f} requests/s ({THREADS} threads, {seconds:.0f} s)")
    calls, seconds, lat = load(batch)
    rate = calls * 100 / seconds
    print(f"POST /events/batch:  {rate:8.0f} events/s ({calls / seconds:.1f} requests/s, "
          f"p50 {statistics.median(lat):.0f} ms); {calls / seconds / ceiling:.3f} of the "
          "ceiling in requests")
    print("goal: >= 7,000 events/s (floor 5,000)")
    if database and service_id:
        print(api_log_overhead(base_url, database, service_id, batch))
    # One client: the latency of one request, not of a queue in front of one worker.
    calls, seconds, lat = load(usage, threads=1)
    cuts = statistics.quantiles(lat, n=100)
    print(f"GET current_usage:   p50 {cuts[49]:.1f} ms  p95 {cuts[94]:.1f} ms over {calls} "
          f"requests ({calls / seconds:.0f} requests/s; {calls / seconds / ceiling:.3f} of the "
          "ceiling); goal p95 <= 25 ms (floor 50 ms)")


if __name__ == "__main__":
    main(*sys.argv[1:5])
