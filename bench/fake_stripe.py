# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A loopback fake of Stripe's API for the import's benchmark and fault suite: every
``GET /v1/payment_methods/pm_card_<n>`` is a Visa card of customer ``cus_S<n>``. Plain
Python (no Odoo): the benchmark loads it in ``odoo shell``, the fault suite in its
driver."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeStripe(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Stripe's API

    disable_nagle_algorithm = True  # headers and body in one round trip

    def do_GET(self):  # noqa: N802
        server = self.server
        if server.delay:
            time.sleep(server.delay)
        with server.lock:
            server.calls += 1
        pm_id = self.path.rsplit("/", 1)[-1]
        index = pm_id.split("_")[-1]
        body = json.dumps({"id": pm_id, "object": "payment_method", "type": "card",
                           "customer": f"cus_S{index}",
                           "card": {"brand": "visa", "last4": index[-4:].zfill(4)}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def serve(delay=0.0):
    """Start the fake on 127.0.0.1 in a daemon thread.

    :param float delay: seconds each answer waits (to slow an import down)
    :return: the server: ``.url`` is Stripe's ``api_base``, ``.calls`` counts the
        answers, ``.shutdown()`` stops it
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    server.daemon_threads = True
    server.delay, server.calls, server.lock = delay, 0, threading.Lock()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    # A client killed mid-call (the fault suite's import) resets its connection: no news.
    server.handle_error = lambda *_args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
