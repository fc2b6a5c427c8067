# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The API over HTTP: ``bash tools/bench-odoo.sh api`` (starts one Odoo worker).

``python bench/api.py BASE_URL KEY`` from the project's .venv, against a server holding
bench/api_setup.py's data:

* ceiling: ``GET /health`` (auth='none', no key, no query) requests per second;
* ``POST /events/batch`` with 100 new events per request: events per second;
* ``GET /customers/{id}/current_usage`` on random subscriptions (about 100 rows each),
  one client: p50/p95 in milliseconds.

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
from datetime import UTC, datetime, timedelta

import requests

THREADS = int(os.environ.get("FCB_BENCH_THREADS", "4"))
SECONDS = float(os.environ.get("FCB_BENCH_SECONDS", "20"))
SUBSCRIPTIONS = int(os.environ.get("FCB_BENCH_SUBS", "10000"))
# Request bodies made ahead per client thread: more than one thread can send in the time.
BODIES = int(os.environ.get("FCB_BENCH_BODIES", "1500"))


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


def main(base_url, key):
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

    def batch(session, thread, index):
        response = session.post(f"{base_url}/events/batch", data=bodies[thread][index],
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
    # One client: the latency of one request, not of a queue in front of one worker.
    calls, seconds, lat = load(usage, threads=1)
    cuts = statistics.quantiles(lat, n=100)
    print(f"GET current_usage:   p50 {cuts[49]:.1f} ms  p95 {cuts[94]:.1f} ms over {calls} "
          f"requests ({calls / seconds:.0f} requests/s; {calls / seconds / ceiling:.3f} of the "
          "ceiling); goal p95 <= 25 ms (floor 50 ms)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
