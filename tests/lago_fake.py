# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A fake Lago on loopback: Lago's documented JSON for one organization, GET only.

Plain Python (no Odoo): the Odoo tests start it in a thread, the benchmark runs it as a
separate process (``python3 tests/lago_fake.py --bench ...``). It serves what the
mirror reads (``shared/docs/lago-api.md`` §1): ``Authorization: Bearer <key>`` or 401;
lists as ``{"<plural>": [...], "meta": {current_page, next_page, prev_page,
total_pages, total_count}}`` with ``page``/``per_page``; ``GET /events`` ordered by
timestamp descending with its filters (both timestamp bounds inclusive); invoices one by
one with their fees; the current usage of a subscription. Any other method is 405.

Faults are queued on :attr:`FakeLago.faults` and each is used by one request: a status
with headers (``429`` and its rate-limit headers, ``500``...), a body that is not JSON
or not Lago's, a closed connection.
"""

import argparse
import bisect
import json
import threading
from collections import deque
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

LISTS = ("billable_metrics", "plans", "customers", "subscriptions", "wallets",
         "applied_coupons", "add_ons", "coupons", "invoices")


def iso(instant, millis=False):
    text = instant.astimezone(UTC).isoformat(timespec="milliseconds" if millis else "seconds")
    return text.replace("+00:00", "Z")


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def event(transaction_id, subscription, code, at, **properties):
    """A Lago event as ``GET /events`` serializes it."""
    return {"lago_id": f"ev-{transaction_id}", "transaction_id": transaction_id,
            "lago_customer_id": None, "code": code, "timestamp": iso(at, millis=True),
            "precise_total_amount_cents": None, "properties": properties,
            "lago_subscription_id": f"ls-{subscription}",
            "external_subscription_id": subscription, "created_at": iso(at)}


class LagoOrg:
    """One organization: ``lists[name]`` as Lago serializes the objects, ``events``,
    ``invoices`` by lago_id (with fees) and ``usage`` by external subscription id."""

    def __init__(self):
        self.lists = {name: [] for name in LISTS}
        self.events = []
        self.invoices = {}
        self.usage = {}
        self.lock = threading.Lock()

    def add_events(self, events):
        with self.lock:
            self.events.extend(events)

    def listing(self, name, query):
        items = self.lists[name]
        if name == "subscriptions":
            statuses = query.get("status[]") or ["active"]
            items = [s for s in items if s["status"] in statuses]
        if name == "applied_coupons" and query.get("status"):
            items = [c for c in items if c["status"] == query["status"][0]]
        if name == "invoices":
            for key in ("status", "invoice_type"):
                if query.get(key):
                    items = [i for i in items if i[key] == query[key][0]]
        return items

    def event_listing(self, query):
        with self.lock:
            items = list(self.events)
        subscription = (query.get("external_subscription_id") or [None])[0]
        code = (query.get("code") or [None])[0]
        start = query.get("timestamp_from") and instant(query["timestamp_from"][0])
        end = query.get("timestamp_to") and instant(query["timestamp_to"][0])
        items = [e for e in items
                 if (subscription is None or e["external_subscription_id"] == subscription)
                 and (code is None or e["code"] == code)
                 and (not start or instant(e["timestamp"]) >= start)
                 and (not end or instant(e["timestamp"]) <= end)]
        items.sort(key=lambda e: e["transaction_id"])
        items.sort(key=lambda e: e["timestamp"], reverse=True)
        return items


class FakeLago:
    """The loopback server of an organization (``start()`` gives its base URL)."""

    def __init__(self, org, key):
        self.org = org
        self.key = key
        self.faults = deque()  # (kind, value, headers, path prefix or None)
        self.requests = []  # (method, path with query, Authorization header)
        self.lock = threading.Lock()
        self.server = None

    def fail(self, kind, value=None, headers=None, path=None, times=1):
        """Queue a fault for the next ``times`` requests (of ``path``'s prefix, if given):
        ``status`` (value: the status), ``body`` (value: raw bytes), ``close``."""
        for _ in range(times):
            self.faults.append((kind, value, headers or {}, path))

    def start(self):
        fake = self

        class Handler(_Handler):
            lago = fake
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def take_fault(self, path):
        with self.lock:
            for index, fault in enumerate(self.faults):
                if fault[3] is None or path.startswith(fault[3]):
                    del self.faults[index]
                    return fault
        return None


def page_of(items, query):
    """One page of a list and Lago's pagination meta."""
    number = max(int((query.get("page") or ["1"])[0] or 1), 1)
    per_page = max(int((query.get("per_page") or ["100"])[0] or 100), 1)
    total = len(items)
    pages = -(-total // per_page)
    chunk = items[(number - 1) * per_page: number * per_page]
    meta = {"current_page": number if total else 0,
            "next_page": number + 1 if number < pages else None,
            "prev_page": number - 1 if 1 < number <= pages + 1 and total else None,
            "total_pages": pages, "total_count": total}
    return chunk, meta


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Lago behind its proxy
    disable_nagle_algorithm = True
    lago = None  # the FakeLago, set by FakeLago.start

    def log_message(self, *_args):
        pass

    def _send(self, status, payload=None, raw=None, headers=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8"
                         if raw is None else "text/html")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(body)

    def _refuse(self):
        with self.lago.lock:
            self.lago.requests.append((self.command, self.path,
                                       self.headers.get("Authorization")))
        self._send(405, {"status": 405, "error": "Method Not Allowed",
                         "code": "method_not_allowed"})

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse  # noqa: N815 - the handler's names

    def do_GET(self):  # noqa: N802 - BaseHTTPRequestHandler's name
        lago = self.lago
        with lago.lock:
            lago.requests.append(("GET", self.path, self.headers.get("Authorization")))
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        if path.startswith("/_control/"):
            return self._control(path, query)
        if self.headers.get("Authorization") != f"Bearer {lago.key}":
            return self._send(401, {"status": 401, "error": "Unauthorized"})
        fault = lago.take_fault(path)
        if fault:
            kind, value, headers, _path = fault
            if kind == "close":
                self.close_connection = True
                self.wfile.flush()
                self.connection.shutdown(2)
                return None
            if kind == "body":
                return self._send(200, raw=value, headers=headers)
            return self._send(value, {"status": value, "error": "Fault",
                                      "code": "too_many_provider_requests"
                                      if value == 429 else "fault"}, headers=headers)
        return self._route(path, query)

    def _route(self, path, query):
        org = self.lago.org
        if not path.startswith("/api/v1/"):
            return self._not_found("route")
        parts = path[len("/api/v1/"):].strip("/").split("/")
        if parts == ["events"]:
            items, meta = page_of(org.event_listing(query), query)
            return self._send(200, {"events": items, "meta": meta})
        if len(parts) == 1 and parts[0] in LISTS:
            items, meta = page_of(org.listing(parts[0], query), query)
            return self._send(200, {parts[0]: items, "meta": meta})
        if len(parts) == 2 and parts[0] == "invoices":
            invoice = org.invoices.get(parts[1])
            return self._send(200, {"invoice": invoice}) if invoice else \
                self._not_found("invoice")
        if len(parts) == 3 and parts[0] == "customers" and parts[2] == "current_usage":
            usage = org.usage.get((query.get("external_subscription_id") or [""])[0])
            return self._send(200, {"customer_usage": usage}) if usage else \
                self._not_found("subscription")
        return self._not_found("route")

    def _not_found(self, resource):
        self._send(404, {"status": 404, "error": "Not Found", "code": f"{resource}_not_found"})

    def _control(self, path, query):
        """The benchmark's remote control: ``/_control/new_events?count=N``."""
        if path == "/_control/new_events" and hasattr(self.lago.org, "new_events"):
            count = int(query["count"][0])
            self.lago.org.new_events(count)
            return self._send(200, {"added": count})
        return self._not_found("control")


# === THE BENCHMARK'S ORGANIZATION === #

BENCH_KEY = "lago_bench_key_0123456789"
BENCH_CODES = ("api_calls", "storage_gb", "peak_cpu", "active_users")


class BenchOrg(LagoOrg):
    """A generated organization: ``customers`` customers, ``subscriptions`` monthly
    subscriptions (two per customer), ``events`` events of their running periods, made
    on demand from their index (a million events take no memory until read)."""

    def __init__(self, customers, subscriptions, events, now=None, currency="CAD"):
        super().__init__()
        # The machine's clock: the mirror refuses events stamped in its future.
        self.now = now or datetime.now(UTC).replace(second=0, microsecond=0)
        self.currency = currency
        self.per_sub = events // subscriptions
        self.extra = {}  # subscription index -> events added since
        self.subscription_count = subscriptions
        metrics = [("api_calls", "count_agg", None), ("storage_gb", "sum_agg", "gb"),
                   ("peak_cpu", "max_agg", "cpus"), ("active_users", "unique_count_agg",
                                                      "user_id")]
        self.lists["billable_metrics"] = [
            {"lago_id": f"bm-{code}", "name": code, "code": code, "description": None,
             "aggregation_type": agg, "weighted_interval": None, "recurring": False,
             "rounding_function": None, "rounding_precision": None, "created_at": iso(self.now),
             "field_name": field, "expression": None, "filters": []}
            for code, agg, field in metrics]
        charges = [("api_calls", "graduated", {"graduated_ranges": [
            {"from_value": 0, "to_value": 1000, "per_unit_amount": "0", "flat_amount": "0"},
            {"from_value": 1000, "to_value": None, "per_unit_amount": "0.001",
             "flat_amount": "0"}]}),
            ("storage_gb", "package", {"amount": "5", "package_size": 100, "free_units": 10}),
            ("peak_cpu", "standard", {"amount": "2"}),
            ("active_users", "standard", {"amount": "1.5"})]
        self.lists["plans"] = [{
            "lago_id": "pl-pro", "name": "Pro", "code": "pro", "interval": "monthly",
            "amount_cents": 4900, "amount_currency": currency, "trial_period": 0,
            "pay_in_advance": True, "bill_charges_monthly": None, "minimum_commitment": None,
            "usage_thresholds": [], "charges": [
                {"lago_id": f"ch-{code}", "code": code, "billable_metric_code": code,
                 "lago_billable_metric_id": f"bm-{code}", "charge_model": model,
                 "invoiceable": True, "pay_in_advance": False, "prorated": False,
                 "min_amount_cents": 0, "properties": properties, "filters": [],
                 "invoice_display_name": None, "regroup_paid_fees": None}
                for code, model, properties in charges]}]
        self.lists["customers"] = [
            {"lago_id": f"lc-{i}", "external_id": f"cus_{i}", "name": f"Client {i}",
             "email": f"client{i}@bench.example", "currency": currency,
             "timezone": None, "applicable_timezone": "UTC", "country": "CA"}
            for i in range(customers)]
        self.starts = [self.period_start(i) for i in range(subscriptions)]
        self.lists["subscriptions"] = [self._subscription(i) for i in range(subscriptions)]
        self._index = None

    def period_start(self, index):
        day = 1 + index % 28
        start = self.now.replace(day=day, hour=0, minute=0, second=0, microsecond=0)
        if start > self.now - timedelta(days=1):
            month = start.month - 1 or 12
            start = start.replace(year=start.year - (start.month == 1), month=month)
        return start

    def _subscription(self, index):
        start = self.period_start(index)
        month = start.month % 12 + 1
        end = start.replace(year=start.year + (start.month == 12), month=month)
        customer = index % len(self.lists["customers"])
        return {"lago_id": f"ls-{index}", "external_id": f"sub_{index}",
                "external_customer_id": f"cus_{customer}", "plan_code": "pro",
                "status": "active", "billing_time": "anniversary", "name": None,
                "subscription_at": iso(start), "started_at": iso(start),
                "current_billing_period_started_at": iso(start),
                "current_billing_period_ending_at": iso(end - timedelta(seconds=1)),
                "ending_at": None, "terminated_at": None, "plan_amount_cents": 4900,
                "plan_amount_currency": self.currency}

    def at(self, sub, k):
        """When event ``k`` of subscription ``sub`` happened: spread over its running
        period up to two hours ago; the ones added later in the last half hour."""
        start = self.starts[sub]
        if k < self.per_sub:
            span = (self.now - timedelta(hours=2) - start).total_seconds()
            return start + timedelta(seconds=int(span * (k + 0.5) / self.per_sub))
        return self.now - timedelta(minutes=30) + timedelta(seconds=k - self.per_sub)

    def make_event(self, sub, k):
        at = self.at(sub, k)
        code = BENCH_CODES[k % len(BENCH_CODES)]
        properties = {"api_calls": {}, "storage_gb": {"gb": (sub + k) % 50 + 1},
                      "peak_cpu": {"cpus": (sub * k) % 16 + 1},
                      "active_users": {"user_id": f"u{(sub + k) % 40}"}}[code]
        return event(f"ev-{sub}-{k}", f"sub_{sub}", code, at, **properties)

    def count(self, sub):
        return self.per_sub + self.extra.get(sub, 0)

    def new_events(self, count):
        """Add ``count`` events stamped in the last half hour, spread over subscriptions."""
        with self.lock:
            for n in range(count):
                sub = (n * 7) % self.subscription_count
                self.extra[sub] = self.extra.get(sub, 0) + 1
            self._index = None
        self.index()  # built now, not on the mirror's first request

    def event_listing(self, query):
        subscription = (query.get("external_subscription_id") or [None])[0]
        start = query.get("timestamp_from") and instant(query["timestamp_from"][0])
        if subscription is not None:
            sub = int(subscription.split("_")[1])
            items = [self.make_event(sub, k) for k in range(self.count(sub))]
            items = [e for e in items if not start or instant(e["timestamp"]) >= start]
            items.sort(key=lambda e: e["timestamp"], reverse=True)
            return items
        return _Slice(self, start)

    def index(self):
        """Every event as ``(-timestamp, subscription, k)``, newest first (built once)."""
        with self.lock:
            if self._index is None:
                keys = []
                for sub in range(self.subscription_count):
                    for k in range(self.count(sub)):
                        keys.append((-self.at(sub, k).timestamp(), sub, k))
                keys.sort()
                self._index = keys
            return self._index


class _Slice:
    """The organization's events from an instant, newest first, made page by page."""

    def __init__(self, org, start):
        self.org, self.keys = org, org.index()
        self.length = (bisect.bisect_right(self.keys, (-start.timestamp(), float("inf")))
                       if start else len(self.keys))

    def __len__(self):
        return self.length

    def __getitem__(self, window):
        start, stop, step = window.indices(self.length)
        return [self.org.make_event(sub, k) for _stamp, sub, k in self.keys[start:stop:step]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", nargs=3, type=int, required=True,
                        metavar=("CUSTOMERS", "SUBSCRIPTIONS", "EVENTS"))
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--currency", default="CAD")
    args = parser.parse_args()
    fake = FakeLago(BenchOrg(*args.bench, currency=args.currency), BENCH_KEY)
    url = fake.start()
    with open(args.port_file, "w", encoding="utf-8") as handle:
        handle.write(url)
    threading.Event().wait()


if __name__ == "__main__":
    main()
