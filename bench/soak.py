# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The soak: ``bash tools/bench-odoo.sh soak [MINUTES]`` (starts 2 Odoo workers on
bench/api_setup.py's data and runs this from the project's .venv).

``python bench/soak.py BASE_URL KEY --master-pid PID [--minutes 20]``:

1. the ceiling: ``POST /events/batch`` (100 new events a request) from 4 client threads
   for ``--ceiling-seconds`` (default 30): requests per second;
2. the soak: ``--minutes`` (default 20) of batches at half that ceiling, paced (open
   loop: a slow answer does not slow the offered load down), with ``GET
   /customers/{id}/current_usage`` reads beside at ``--reads`` per second (default 4);
3. the figures: errors (anything but a 200, or no answer), the HTTP workers' resident
   memory (sampled every 10 s, from the end of the first minute, when caches are warm, to
   the end), and the p99 latency of the first and of the last 5 minutes (a quarter of the
   run each when it is shorter than 20 minutes), for the batches and the reads apart.

Goals: zero errors, worker memory growth under 10 %, the last window's p99 within 20 %
of the first's. It prints the figures and whether each goal was met; it does not fail.
"""

import argparse
import json
import os
import random
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

import requests

SUBSCRIPTIONS = int(os.environ.get("FCB_BENCH_SUBS", "10000"))
SAMPLE_EVERY = 10  # seconds between two memory samples


class Recorder:
    """Every answer: (kind, sent at, latency ms, ok), and the errors in words."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls, self.errors = [], []

    def add(self, kind, began, ok, detail=None):
        latency = (time.monotonic() - began) * 1000
        with self.lock:
            self.calls.append((kind, began, latency, ok))
            if not ok:
                self.errors.append(f"{kind}: {detail}")


def batch_body(tag, number):
    now = datetime.now(UTC)
    return json.dumps({"events": [{
        "transaction_id": f"soak-{tag}-{number}-{n}",
        "external_subscription_id": f"sub-{random.randrange(SUBSCRIPTIONS)}",
        "code": "calls", "properties": {"value": random.randint(1, 50)},
        "timestamp": (now - timedelta(seconds=random.randint(60, 86400))).isoformat(),
    } for n in range(100)]})


class Load:
    def __init__(self, base_url, key, recorder):
        self.base_url, self.recorder = base_url, recorder
        self.auth = {"Authorization": f"Bearer {key}"}
        self.batch_headers = {**self.auth, "Content-Type": "application/json"}

    def batch(self, session, tag, number):
        body = batch_body(tag, number)
        began = time.monotonic()
        try:
            answer = session.post(f"{self.base_url}/events/batch", data=body,
                                  headers=self.batch_headers, timeout=60)
            self.recorder.add("batch", began, answer.status_code == 200,
                              f"{answer.status_code} {answer.text[:200]}")
        except requests.RequestException as error:
            self.recorder.add("batch", began, False, repr(error))

    def read_usage(self, session, _tag, _number):
        began = time.monotonic()
        try:
            answer = session.get(
                f"{self.base_url}/customers/cus_bench/current_usage",
                params={"external_subscription_id": f"sub-{random.randrange(SUBSCRIPTIONS)}"},
                headers=self.auth, timeout=60)
            self.recorder.add("read", began, answer.status_code == 200,
                              f"{answer.status_code} {answer.text[:200]}")
        except requests.RequestException as error:
            self.recorder.add("read", began, False, repr(error))


def closed_loop(work, threads, seconds):
    """As fast as ``threads`` clients go for ``seconds``: the number of calls made."""
    stop, counts = time.monotonic() + seconds, [0] * threads

    def run(index):
        session = requests.Session()
        while time.monotonic() < stop:
            work(session, f"ceiling{index}", counts[index])
            counts[index] += 1

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts)


def paced(work, rate, threads, stop, tag):
    """Offer ``rate`` calls a second until ``stop`` (monotonic), spread over ``threads``
    clients. A client that falls behind sends at once, never in a burst to catch up."""
    interval = threads / rate

    def run(index):
        session, number = requests.Session(), 0
        due = time.monotonic() + index * interval / threads
        while due < stop:
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            work(session, f"{tag}{index}", number)
            number += 1
            due = max(due + interval, time.monotonic() - interval)

    workers = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    return workers


def worker_pids(master):
    """The HTTP workers of a prefork Odoo: children of the master, but the gevent one."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                words = cmdline.read().split(b"\0")
        except OSError:
            continue
        if ppid == master and b"gevent" not in words:
            pids.append(int(entry))
    return sorted(pids)


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def sample_memory(master, stop, samples):
    while time.monotonic() < stop:
        pids = worker_pids(master)
        samples.append((time.monotonic(), {pid: rss_mib(pid) for pid in pids}))
        time.sleep(SAMPLE_EVERY)


def p99(latencies):
    return statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 2 else float("nan")


def window_p99(calls, kind, start, end):
    return p99([latency for k, at, latency, _ok in calls if k == kind and start <= at < end])


def report(args, ceiling, rate, recorder, samples, began, ended):
    minutes = (ended - began) / 60
    window = 300 if args.minutes >= 20 else (ended - began) / 4
    calls = recorder.calls
    batches = sum(1 for kind, *_rest in calls if kind == "batch")
    reads = len(calls) - batches
    print(f"soak: {minutes:.1f} min at {rate:.1f} batch requests/s ({rate * 100:.0f} events/s,"
          f" half the ceiling of {ceiling:.1f} requests/s measured with 4 clients), "
          f"{args.reads:g} current_usage reads/s beside; {batches} batches, {reads} reads")
    errors = len(recorder.errors)
    print(f"errors: {errors}" + (f" (first: {recorder.errors[:3]})" if errors else "")
          + f"  -> {'met' if not errors else 'NOT met'} (goal: 0)")
    warm = [s for s in samples if s[0] >= began + 60] or samples
    first, last = warm[0][1], warm[-1][1]
    same = set(first) == set(last)
    start_mib = sum(v for v in first.values() if v)
    end_mib = sum(v for v in last.values() if v)
    growth = (end_mib - start_mib) / start_mib * 100 if start_mib else float("nan")
    print(f"worker memory (RSS of {len(last)} HTTP workers): {start_mib:.0f} MiB after the "
          f"first minute -> {end_mib:.0f} MiB at the end, {growth:+.1f} %"
          + ("" if same else f" (workers replaced: {sorted(first)} -> {sorted(last)})")
          + f"  -> {'met' if growth < 10 and same else 'NOT met'} (goal: < 10 %)")
    for kind in ("batch", "read"):
        early = window_p99(calls, kind, began, began + window)
        late = window_p99(calls, kind, ended - window, ended)
        drift = (late - early) / early * 100
        # The medians tell a slower server (both move) from a noisier tail (p99 alone).
        medians = [statistics.median([latency for k, at, latency, _ok in calls
                                      if k == kind and start <= at < start + window] or [0])
                   for start in (began, ended - window)]
        print(f"p99 {kind:5}: first {window / 60:.1f} min {early:.0f} ms, last "
              f"{window / 60:.1f} min {late:.0f} ms, {drift:+.1f} %  -> "
              f"{'met' if drift <= 20 else 'NOT met'} (goal: at most 20 % above the first);"
              f" p50 {medians[0]:.0f} -> {medians[1]:.0f} ms")
    all_batch = [latency for kind, _at, latency, _ok in calls if kind == "batch"]
    print(f"batch latency over the run: p50 {statistics.median(all_batch):.0f} ms, "
          f"p99 {p99(all_batch):.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("key")
    parser.add_argument("--master-pid", type=int, required=True)
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--ceiling-seconds", type=float, default=30)
    parser.add_argument("--reads", type=float, default=4, help="current_usage reads a second")
    args = parser.parse_args()
    recorder = Recorder()
    load = Load(args.base_url, args.key, recorder)
    ceiling = closed_loop(load.batch, 4, args.ceiling_seconds) / args.ceiling_seconds
    if recorder.errors:
        print(f"ceiling run: {len(recorder.errors)} errors, e.g. {recorder.errors[:2]}")
    print(f"ceiling POST /events/batch: {ceiling:.1f} requests/s ({ceiling * 100:.0f} events/s)"
          f" over {args.ceiling_seconds:g} s, 4 clients, 2 workers", flush=True)
    recorder = Recorder()
    load.recorder = recorder
    rate = ceiling / 2
    began = time.monotonic()
    stop = began + args.minutes * 60
    samples = []
    sampler = threading.Thread(target=sample_memory, args=(args.master_pid, stop, samples),
                               daemon=True)
    sampler.start()
    senders = paced(load.batch, rate, max(2, int(rate // 4) + 1), stop, "soak")
    senders += paced(load.read_usage, args.reads, 2, stop, "read")
    for sender in senders:
        sender.join()
    ended = time.monotonic()
    sampler.join()
    report(args, ceiling, rate, recorder, samples, began, ended)


if __name__ == "__main__":
    main()
