# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""One month of an app against the demo, with the official ``lago-python-client``.

Run by ``bash tools/demo.sh flow`` in the project's .venv, against the server that
``bash tools/demo.sh`` started. What the app does goes through the Lago-shaped API with
the demo service's key; what Odoo's crons do at the month's end is triggered as the
admin user over Odoo's XML-RPC (the server runs them on their own schedule otherwise).
Every run plays a new customer, so it can be run again and again.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import xmlrpc.client
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lago_python_client.client import Client
from lago_python_client.models import BatchEvent, Customer, Event, Subscription
from standardwebhooks import Webhook

URL = os.environ.get("FCB_DEMO_URL", "http://127.0.0.1:8069")
KEY = os.environ["FCB_DEMO_KEY"]
DB = os.environ.get("FCB_DEMO_DB", "fcb_demo")
LOGIN = os.environ.get("FCB_DEMO_LOGIN", "admin")
PASSWORD = os.environ.get("FCB_DEMO_PASSWORD", "admin")
PLAN = "nexacloud_pro_monthly"
MODULE = "fusion_centralize_billing"


def step(number, title):
    print(f"\n{number}. {title}")


def say(text=""):
    print(f"   {text}")


def money(cents, currency):
    return f"{currency} {Decimal(cents) / 100:,.2f}"


class Odoo:
    """The few back-office calls of the month's end, as the admin user over XML-RPC."""

    def __init__(self):
        common = xmlrpc.client.ServerProxy(f"{URL}/xmlrpc/2/common")
        self.uid = common.authenticate(DB, LOGIN, PASSWORD, {})
        if not self.uid:
            sys.exit(f"demo flow: cannot log in to {DB} as {LOGIN}")
        self.proxy = xmlrpc.client.ServerProxy(f"{URL}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(DB, self.uid, PASSWORD, model, method, list(args), kwargs)

    def ref(self, module, name):
        rows = self.call("ir.model.data", "search_read",
                         [("module", "=", module), ("name", "=", name)], fields=["res_id"])
        return rows[0]["res_id"]

    def run_cron(self, cron_id):
        """Run a scheduled action now; wait while the server's cron thread holds it."""
        for _ in range(30):
            try:
                return self.call("ir.cron", "method_direct_trigger", [cron_id])
            except xmlrpc.client.Fault as fault:
                if "already executing" not in fault.faultString:
                    raise
                time.sleep(1)
        sys.exit("demo flow: a scheduled action stayed busy for 30 s")


class Receiver(BaseHTTPRequestHandler):
    """The app's webhook endpoint: keeps what it receives, answers 200."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append((dict(self.headers.items()), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args):
        pass


def month_pushes(run, sub, first, last):
    """A month of an app's counters: daily bandwidth and peak vCPUs, logins, three sales.

    Transaction ids carry the run, as ``GET /events/{transaction_id}`` looks them up
    across the service."""
    events = []
    day = first
    n = 0
    while day <= last:
        at = f"{day.isoformat()}T12:00:00Z"
        n += 1
        events.append(Event(transaction_id=f"{run}-bw-{day}", external_subscription_id=sub,
                            code="bandwidth_gb", timestamp=at,
                            properties={"value": str(Decimal(6) + Decimal(n % 7) / 2)}))
        events.append(Event(transaction_id=f"{run}-vcpu-{day}", external_subscription_id=sub,
                            code="peak_vcpus", timestamp=at,
                            properties={"value": 4 + (n % 5 == 0) * 2}))
        events.append(Event(transaction_id=f"{run}-login-{day}", external_subscription_id=sub,
                            code="active_users", timestamp=at,
                            properties={"user_id": f"user_{n % 14:02d}"}))
        day += timedelta(days=1)
    for n, cents in enumerate(("480.00", "1250.00", "99.99")):
        events.append(Event(transaction_id=f"{run}-sale-{n}", external_subscription_id=sub,
                            code="marketplace_sales_cad",
                            timestamp=f"{first + timedelta(days=5 + 9 * n)}T15:00:00Z",
                            properties={"value": cents}))
    return events


def main():
    today = datetime.now(UTC).date()
    this_month = today.replace(day=1)
    first = (this_month - timedelta(days=1)).replace(day=1)
    last = this_month - timedelta(days=1)
    run = datetime.now(UTC).strftime("%H%M%S")
    customer_id, sub_id = f"cus_prairie_{run}", f"sub_prairie_{run}"
    client = Client(api_key=KEY, api_url=f"{URL}/api/billing/")
    odoo = Odoo()
    service_id = odoo.ref(MODULE, "demo_service_nexacloud")

    step(1, "The app's webhook endpoint")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook_url = f"http://127.0.0.1:{server.server_port}/billing/webhooks"
    odoo.call("fusion.billing.service", "write", [service_id], {"webhook_url": hook_url})
    secret = odoo.call("fusion.billing.service", "read", [service_id],
                       ["webhook_secret"])[0]["webhook_secret"]
    say(f"a receiver listens on {hook_url};")
    say("the NexaCloud (demo) service now sends its webhooks there (set as admin).")

    step(2, "The app creates a customer (POST /customers)")
    customer = client.customers.create(Customer(
        external_id=customer_id, name="Prairie Data Ltd.", email=f"ops+{run}@prairie.example",
        country="CA"))
    say(f"{customer.external_id}: {customer.name}, Odoo contact lago_id {customer.lago_id}")

    step(3, f"It subscribes the customer to {PLAN}, from {first:%d %B %Y} (POST /subscriptions)")
    subscription = client.subscriptions.create(Subscription(
        external_customer_id=customer_id, plan_code=PLAN, external_id=sub_id,
        subscription_at=f"{first.isoformat()}T00:00:00Z"))
    say(f"{subscription.external_id}: {subscription.status}, started {subscription.started_at}")
    order = odoo.call("sale.order", "search_read", [("x_fc_external_id", "=", sub_id)],
                      fields=["name"])[0]
    # The subscription started in the past: its first month's fee was due on its first
    # day. The demo records that invoice as issued, as Odoo's subscription would have by
    # now, so the next native invoice is the one of the 1st of this month.
    odoo.call("sale.order", "write", [order["id"]], {
        "subscription_state": "3_progress", "next_invoice_date": this_month.isoformat()})
    say(f"Odoo: {order['name']}; its first month's fee counts as invoiced on {first:%d %B}"
        f" (set as admin), so the next native invoice is on {this_month:%d %B %Y}")

    step(4, f"It pushes a month of usage, {first:%d %B} to {last:%d %B} (POST /events/batch)")
    events = month_pushes(run, sub_id, first, last)
    for start in range(0, len(events), 100):
        client.events.batch_create(BatchEvent(events=events[start:start + 100]))
    totals = {}
    for event in events:
        value = event.properties.get("value")
        totals.setdefault(event.code, []).append(value)
    batches = (len(events) + 99) // 100
    say(f"{len(events)} pushes in {batches} batch{'es' if batches > 1 else ''}:")
    say(f"  bandwidth_gb           {len(totals['bandwidth_gb'])} daily counters, "
        f"{sum(Decimal(v) for v in totals['bandwidth_gb'])} GB in all")
    say(f"  peak_vcpus             {len(totals['peak_vcpus'])} daily peaks, "
        f"highest {max(totals['peak_vcpus'])}")
    say(f"  active_users           {len(totals['active_users'])} logins by 14 different users")
    say(f"  marketplace_sales_cad  3 sales: {', '.join(totals['marketplace_sales_cad'])}")

    step(5, "A replay and a correction (POST /events)")
    replayed = events[0]
    again = client.events.create(replayed)
    stored = client.events.find(replayed.transaction_id)
    say(f"{replayed.transaction_id} sent again as it was: stored once "
        f"(same lago_id {again.lago_id == stored.lago_id and stored.lago_id})")
    corrected = Event(transaction_id=replayed.transaction_id, external_subscription_id=sub_id,
                      code="bandwidth_gb", timestamp=replayed.timestamp,
                      properties={"value": "9.25"})
    client.events.create(corrected)
    now_stored = client.events.find(replayed.transaction_id).properties["value"]
    say(f"{replayed.transaction_id} sent with a new figure, "
        f"{replayed.properties['value']} -> {now_stored} GB: "
        "the newest push wins (the metric's replay policy)")

    step(6, "The customer's current usage (GET /customers/{id}/current_usage)")
    usage = client.customers.current_usage(customer_id, sub_id)
    for charge in usage.charges_usage:
        say(f"  {charge.billable_metric.code:<22} {charge.units:>8} units  "
            f"{money(charge.amount_cents, usage.currency):>14}")
    say(f"  {'total so far':<22} {'':>8}        {money(usage.amount_cents, usage.currency):>14}")

    step(7, "The month closes; Odoo's crons run (triggered as admin, XML-RPC)")
    odoo.run_cron(odoo.ref(MODULE, "ir_cron_fusion_billing_rate_usage"))
    rated = odoo.call("fusion.billing.rated.usage", "search_read",
                      [("subscription_id", "=", order["id"])],
                      fields=["name", "amount", "state"], order="sequence, id")
    say(f"rating: {len(rated)} charges rated for {first:%d %B} to {last:%d %B}, the usage frozen")
    native = odoo.call("ir.cron", "search",
                       [("code", "ilike", "_cron_recurring_create_invoice"),
                        ("active", "in", [True, False])], limit=1)
    odoo.run_cron(native[0])
    say("native recurring invoicing: the subscription's invoice created and posted")

    step(8, "The invoice, as the app reads it (GET /invoices, GET /invoices/{lago_id})")
    listed = client.invoices.find_all({"external_customer_id": customer_id})["invoices"]
    if not listed:
        sys.exit("demo flow: no invoice was created; see .demo/odoo.log")
    invoice = client.invoices.find(listed[0].lago_id)
    say(f"{invoice.number} of {invoice.issuing_date}: {invoice.status}, "
        f"payment {invoice.payment_status}")
    for fee in (invoice.fees.__root__ if invoice.fees else []):
        name = fee.item.name if fee.item else ""
        say(f"  {money(fee.amount_cents, invoice.currency):>14}  {name}")
    say(f"  {money(invoice.fees_amount_cents, invoice.currency):>14}  before taxes; "
        f"total {money(invoice.total_amount_cents, invoice.currency)}")

    step(9, "The signed webhooks the app received (Standard Webhooks and X-Lago-Signature)")
    odoo.run_cron(odoo.ref(MODULE, "ir_cron_fusion_billing_deliver_webhooks"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _mine(Receiver.received, customer_id, "invoice.created"):
            break
        time.sleep(0.5)
    verifier = Webhook(secret)
    mine = _mine(Receiver.received, customer_id)
    if not any(event == "invoice.created" for event, _h, _b in mine):
        sys.exit("demo flow: no invoice.created webhook arrived; see Billing > Webhook Queue")
    for event, headers, body in mine:
        verifier.verify(body, headers)
        expected = base64.b64encode(
            hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
        lago_ok = hmac.compare_digest(expected, headers.get("X-Lago-Signature", ""))
        if not lago_ok:
            sys.exit(f"demo flow: X-Lago-Signature of {event} does not verify")
        say(f"  {event:<24} {headers.get('webhook-id')}: both signatures verified")
    server.shutdown()
    print(f"\nDone. In the back end (admin / admin): Billing > Subscriptions > {order['name']},"
          f" its Metered Billing tab;\nBilling > Usage; Billing > Webhook Queue. "
          f"Run it again for another customer.")


def _mine(received, customer_id, event_type=None):
    """The webhooks about this run's customer: ``[(event type, headers, body)]``."""
    out = []
    for headers, body in list(received):
        payload = json.loads(body)
        if customer_id not in body.decode():
            continue
        if event_type and payload.get("webhook_type") != event_type:
            continue
        out.append((payload.get("webhook_type"), headers, body))
    return out


if __name__ == "__main__":
    main()
