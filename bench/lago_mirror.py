# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Lago mirror throughput: ``bash tools/bench-odoo.sh bench/lago_mirror.py`` (odoo shell).

A fake Lago (``tests/lago_fake.py``, its own process on loopback) serves an organization
of FCB_BENCH_LAGO_CUSTOMERS (5,000) customers, FCB_BENCH_LAGO_SUBSCRIPTIONS (10,000)
monthly subscriptions and FCB_BENCH_LAGO_EVENTS (1,000,000) events of their running
periods. The first mirror (catalogue, customers, subscriptions, every event, one run
recorded) goal: under 5 minutes (floor 15); FCB_BENCH_PROFILE=1 prints its 30 costliest
functions (=incremental: the pull's; FCB_BENCH_PROFILE_SORT=cumtime). Then FCB_BENCH_LAGO_NEW
(10,000) new events are added in Lago and one incremental pull of the continuous mirror
takes them over (goal: under 10 s). Baselines in the same run: the bare fetch of the same
pages (the same requests, the same number of threads, JSON decoded, nothing else).
"""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import requests

import odoo.addons.fusion_centralize_billing as module
from odoo.addons.fusion_centralize_billing.engine.lago_source import iso_param, since
from odoo.addons.fusion_centralize_billing.models.fusion_billing_lago_events import WORKERS
from odoo.addons.fusion_centralize_billing.models.lago_http import LagoClient

CUSTOMERS = int(os.environ.get("FCB_BENCH_LAGO_CUSTOMERS", "5000"))
SUBSCRIPTIONS = int(os.environ.get("FCB_BENCH_LAGO_SUBSCRIPTIONS", "10000"))
EVENTS = int(os.environ.get("FCB_BENCH_LAGO_EVENTS", "1000000"))
NEW = int(os.environ.get("FCB_BENCH_LAGO_NEW", "10000"))
KEY = "lago_bench_key_0123456789"


def start_fake(currency):
    port_file = Path(tempfile.mkdtemp()) / "url"
    fake = subprocess.Popen([
        sys.executable, str(Path(module.__file__).parent / "tests" / "lago_fake.py"),
        "--bench", str(CUSTOMERS), str(SUBSCRIPTIONS), str(EVENTS),
        "--port-file", str(port_file), "--currency", currency])
    for _ in range(600):
        if port_file.exists() and port_file.read_text():
            return fake, port_file.read_text()
        time.sleep(0.1)
    fake.kill()
    raise RuntimeError("the fake Lago did not start")


def time_sql():
    """FCB_BENCH_SQL=1: how long each kind of statement took (the first words of its
    text), printed after each phase; the diagnosis when the wall clock and Odoo's CPU
    differ much."""
    from collections import Counter

    from odoo import sql_db
    spent, calls = Counter(), Counter()
    execute = sql_db.Cursor.execute

    def timed(self, query, params=None, log_exceptions=True):
        started = time.perf_counter()
        try:
            return execute(self, query, params, log_exceptions)
        finally:
            shape = " ".join(str(query).split())[:90]
            spent[shape] += time.perf_counter() - started
            calls[shape] += 1
    sql_db.Cursor.execute = timed

    def report(title):
        print(f"  SQL of the {title}: {sum(spent.values()):.1f} s in {sum(calls.values())} "
              "statements; the costliest:")
        for shape, seconds in spent.most_common(8):
            print(f"    {seconds:7.1f} s {calls[shape]:6} x {shape}")
        spent.clear()
        calls.clear()
    return report


def bare_fetch(url, paths):
    """The floor: the same GETs with requests in WORKERS threads, JSON decoded."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {KEY}"}

    def pages(item):
        path, collection, params = item
        count, number = 0, 1
        while True:
            body = json.loads(session.get(f"{url}/api/v1/{path}", headers=headers, params={
                **params, "page": number, "per_page": 100}, timeout=60).content)
            count += len(body[collection])
            if body["meta"]["next_page"] is None:
                return count
            number = body["meta"]["next_page"]
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        total = sum(pool.map(pages, paths))
    return time.perf_counter() - started, total


def measured(work, profile):
    """``work()`` committed: ``(result, wall seconds, Odoo's CPU seconds)``, its 30
    costliest functions printed when ``profile``."""
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = work()
    env.cr.commit()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("FCB_BENCH_PROFILE_SORT", "tottime")) \
            .print_stats(30)
    return result, wall, used


def main():
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    report = time_sql() if os.environ.get("FCB_BENCH_SQL") else None
    fake, url = start_fake(env.company.currency_id.name)
    try:
        service = env["fusion.billing.service"].create({"name": "Bench", "code": "bench_lago"})
        service.sudo().write({"lago_api_url": url, "lago_api_key": KEY, "lago_mirror": True})
        env.cr.commit()
        subscriptions = LagoClient(url, KEY).all("subscriptions", "subscriptions")
        catalogue = [("billable_metrics", "billable_metrics", {}), ("plans", "plans", {}),
                     ("customers", "customers", {}), ("subscriptions", "subscriptions", {})]
        per_sub = [("events", "events", {
            "external_subscription_id": s["external_id"],
            "timestamp_from": s["current_billing_period_started_at"]}) for s in subscriptions]
        bare, fetched = bare_fetch(url, catalogue + per_sub)
        now = datetime.now(UTC)
        client = LagoClient(url, KEY)
        which = os.environ.get("FCB_BENCH_PROFILE")
        run, first, first_cpu = measured(
            lambda: env["fusion.billing.import.run"]._fc_lago_mirror(
                service, client, dry_run=False, now=now), which in ("1", "first"))
        print(f"first mirror: {CUSTOMERS} customers, {SUBSCRIPTIONS} subscriptions, "
              f"{run.lago_events} events stored in {first:.1f} s "
              f"({run.lago_events / first:,.0f} events/s, {client.requests} requests); "
              f"created {run.created_count}, failed {run.failed_count}; Odoo's own CPU "
              f"{first_cpu:.1f} s; goal < 300 s (floor 900 s)")
        print(f"  baseline, bare fetch of the same pages: {bare:.1f} s for {fetched} objects "
              f"({first / bare:.1f} x the bare fetch)")
        if report:
            report("first mirror")
        requests.get(f"{url}/_control/new_events", params={"count": NEW}, timeout=600)
        later = datetime.now(UTC)
        start = iso_param(since(now))
        bare_new, fetched_new = bare_fetch(url, catalogue + [
            ("events", "events", {"timestamp_from": start})])
        pull, incremental, incremental_cpu = measured(
            lambda: service._fc_lago_pull(now=later), which == "incremental")
        print(f"incremental pull: {pull.lago_events} new events stored in {incremental:.1f} s "
              f"(customers and subscriptions read again, {pull.lago_requests} requests); "
              f"Odoo's own CPU {incremental_cpu:.1f} s; goal < 10 s")
        print(f"  baseline, bare fetch of the same pages: {bare_new:.1f} s for "
              f"{fetched_new} objects")
        if report:
            report("incremental pull")
    finally:
        fake.kill()
        fake.wait()


main()
