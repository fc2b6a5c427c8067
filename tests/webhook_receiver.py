# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A real HTTP receiver on loopback for the webhook tests: it records every request and
answers what the test scripted (a status, headers, a delay)."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.requests = []
        self.script = []  # (status, headers, delay) answered in order, then 200
        self.lock = threading.Lock()
        self.dropped = []  # answers the sender no longer waited for
        self.delay = 0  # seconds every unscripted answer waits (the fault suite's drain)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                result = super().setup()
                # No Nagle: a keep-alive answer must not wait for a delayed ACK.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return result

            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                with receiver.lock:
                    receiver.requests.append({"headers": dict(self.headers), "body": body,
                                              "path": self.path, "at": time.monotonic()})
                    status, headers, delay = receiver.script.pop(0) if receiver.script \
                        else (200, {}, receiver.delay)
                if delay:
                    time.sleep(delay)
                answer = b'{"received":true}'
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError) as error:
                    receiver.dropped.append(error)  # the sender timed out and left

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, *answers):
        """Queue answers: each a status, or (status, headers, delay)."""
        with self.lock:
            for item in answers:
                self.script.append(item if isinstance(item, tuple) else (item, {}, 0))

    def ids(self):
        return [request["headers"].get("webhook-id") for request in self.requests]
