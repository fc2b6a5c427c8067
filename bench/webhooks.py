# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Webhook delivery throughput: ``bash tools/bench-odoo.sh bench/webhooks.py`` (odoo shell).

Queues FCB_BENCH_WEBHOOKS (default 5,000) invoice-sized webhooks for a live service whose
endpoint is a small HTTP receiver in its own process on loopback, then drains them with
the cron's own method (claim, sign, post, record the attempt, commit each). In the same
run, the same bodies are posted to the same receiver by a bare ``requests.Session`` loop
(no database, no signature): the floor for any delivery over HTTP from Python. The two
alternate over ten rounds of a tenth of the webhooks each, so that a load coming and
going on the machine weighs on both alike. It prints both rates and their ratio
(goal >= 0.8, floor 0.5). With FCB_BENCH_PROFILE=1 it also prints where
the drain spends its time (cProfile).
"""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import cProfile
import json
import os
import pstats
import subprocess
import sys
import time
import uuid

import requests

COUNT = int(os.environ.get("FCB_BENCH_WEBHOOKS", "5000"))
ROUNDS = 10
ALLOW_PRIVATE = "fusion_centralize_billing.webhook_allow_private_endpoints"

RECEIVER = r"""
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # One write per answer and no Nagle: a keep-alive answer must not wait for the
        # client's delayed ACK (40 ms a request on Linux).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.wfile.write(ANSWER)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def invoice_body(index):
    """About 2 KB, the size of an invoice.created with a few fees."""
    fees = [{"lago_id": str(uuid.uuid4()), "amount_cents": 1700 + fee, "units": "15",
             "item": {"type": "charge", "name": f"api_calls tier {fee}"}} for fee in range(6)]
    return {"lago_id": str(uuid.uuid4()), "sequential_id": index, "status": "finalized",
            "payment_status": "pending", "currency": "CAD", "total_amount_cents": 6600,
            "customer": {"external_id": f"cust-{index}", "name": "Bench customer"},
            "fees": fees}


def setup(url):
    env["ir.config_parameter"].set_param(ALLOW_PRIVATE, "1")
    service = env["fusion.billing.service"].create({
        "name": "Bench webhooks", "code": "bench_webhooks", "mode": "live", "webhook_url": url,
    })
    Webhook = env["fusion.billing.webhook"]
    for start in range(0, COUNT, 500):
        for index in range(start, min(start + 500, COUNT)):
            Webhook._fc_enqueue(service, "invoice.created", Webhook, object_type="invoice",
                                obj=invoice_body(index))
        env.cr.commit()
    return service


def baseline(url, bodies):
    """Seconds a bare requests.Session loop takes to post ``bodies``."""
    session = requests.Session()
    start = time.perf_counter()
    for body in bodies:
        response = session.post(url, data=body.encode(),
                                headers={"Content-Type": "application/json"}, timeout=(5, 15))
        response.raise_for_status()
    return time.perf_counter() - start


def main():
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE,
                                text=True)
    try:
        url = f"http://127.0.0.1:{receiver.stdout.readline().strip()}/hooks"
        service = setup(url)
        env.cr.execute("SELECT payload FROM fusion_billing_webhook WHERE service_id = %s"
                       " ORDER BY id", [service.id])
        bodies = [row[0] for row in env.cr.fetchall()]
        env.cr.commit()
        # Ten rounds, each the baseline then the drain on a tenth of the webhooks: a
        # load that comes and goes on the machine weighs on both alike.
        Webhook = env["fusion.billing.webhook"]
        profiler = cProfile.Profile() if os.environ.get("FCB_BENCH_PROFILE") else None
        step = max(1, COUNT // ROUNDS)
        base_time = drain_time = 0.0
        attempts = 0
        for start in range(0, COUNT, step):
            chunk = bodies[start:start + step]
            base_time += baseline(url, chunk)
            began = time.perf_counter()
            if profiler:
                profiler.enable()
            # The cron's own path: its parallel drains, each taking half the round.
            attempts += Webhook._fc_deliver(limit=-(-len(chunk) // 2))
            if profiler:
                profiler.disable()
            drain_time += time.perf_counter() - began
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        env.cr.execute("SELECT state, COUNT(*) FROM fusion_billing_webhook"
                       " WHERE service_id = %s GROUP BY state", [service.id])
        states = dict(env.cr.fetchall())
        floor = COUNT / base_time
        drain_rate = attempts / drain_time
        print(json.dumps({"webhooks": COUNT, "body_bytes": len(bodies[0]),
                          "states": states, "attempts": attempts, "rounds": ROUNDS}))
        print(f"bare requests.Session loop: {floor:,.0f} posts/s")
        print(f"cron drains (claim, sign, post, record, commit each): {drain_rate:,.0f}"
              " webhooks/s")
        print(f"ratio: {drain_rate / floor:.2f} (goal >= 0.8, floor 0.5)")
    finally:
        receiver.terminate()
        receiver.wait()


main()
