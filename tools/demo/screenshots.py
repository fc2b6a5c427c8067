# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Screenshots of the Billing app for static/description, from the demo database.

Run by ``bash tools/screenshots.sh`` after ``bash tools/demo.sh flow``: logs in as the
demo admin, drives Debian's headless Chromium over the DevTools protocol and saves one
PNG per page into static/description/. The pages are the last flow's subscription (its
metered billing), its invoice, the rated usage (list, and one period's breakdown) and the
invoice's signed webhook; and the subscriptions list, the usage by period and a graduated
charge.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

import websocket

URL = os.environ.get("FCB_DEMO_URL", "http://127.0.0.1:8069")
DB = os.environ.get("FCB_DEMO_DB", "fcb_demo")
LOGIN, PASSWORD = "admin", "admin"
OUT = Path(__file__).resolve().parents[2] / "static" / "description"
ACTION = "/odoo/action-fusion_centralize_billing."
WIDTH, HEIGHT = 1440, 900


def login():
    """A back-end session id for the demo admin."""
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {
        "db": DB, "login": LOGIN, "password": PASSWORD}}).encode()
    request = urllib.request.Request(f"{URL}/web/session/authenticate", body,
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session_id="):
                return header.split(";")[0].split("=", 1)[1]
    sys.exit("screenshots: cannot log in to the demo as admin")


def records():
    """Ids of the pages to show: the newest flow subscription, its invoice, its webhook."""
    common = xmlrpc.client.ServerProxy(f"{URL}/xmlrpc/2/common")
    uid = common.authenticate(DB, LOGIN, PASSWORD, {})
    proxy = xmlrpc.client.ServerProxy(f"{URL}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return proxy.execute_kw(DB, uid, PASSWORD, model, method, list(args), kwargs)

    orders = call("sale.order", "search", [("x_fc_external_id", "like", "sub_prairie_"),
                                           ("x_fc_rated_usage_ids", "!=", False)],
                  order="id desc", limit=1)
    if not orders:
        sys.exit("screenshots: run `bash tools/demo.sh flow` first (no invoiced subscription)")
    invoices = call("account.move", "search", [("x_fc_subscription_id", "=", orders[0])],
                    order="id desc", limit=1)
    hooks = call("fusion.billing.webhook", "search", [("event_type", "=", "invoice.created"),
                                                      ("res_id", "=", invoices[0])],
                 order="id desc", limit=1)
    charge = call("ir.model.data", "search_read", [
        ("module", "=", "fusion_centralize_billing"),
        ("name", "=", "demo_charge_api_calls_graduated")], fields=["res_id"])[0]["res_id"]
    rated = call("fusion.billing.rated.usage", "search", [("subscription_id", "=", orders[0])],
                 order="amount desc, id desc", limit=1)
    return orders[0], invoices[0], hooks[0], charge, rated[0]


class Browser:
    """Just enough of the DevTools protocol: navigate, wait, click, capture."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="fcb-shots-")
        self.process = subprocess.Popen([
            chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
            f"--window-size={WIDTH},{HEIGHT}", "about:blank",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=10) as response:
            page = next(t for t in json.load(response) if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(f"!!document.querySelector({json.dumps(selector)})"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{selector} never appeared")

    def click(self, selector):
        self.wait_for(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def shoot(self, url, ready, name, click=None, then=None, height=HEIGHT):
        self.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=height,
                  deviceScaleFactor=1, mobile=False)
        self.send("Page.navigate", url=url)
        time.sleep(1)
        self.wait_for(ready)
        if click:
            self.click(click)
            self.wait_for(then)
        time.sleep(1.5)  # fonts, transitions
        data = self.send("Page.captureScreenshot", format="png")["data"]
        (OUT / name).write_bytes(base64.b64decode(data))
        print(f"screenshots: static/description/{name}")

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    chromium = shutil.which("chromium") or shutil.which("google-chrome")
    if not chromium:
        sys.exit("screenshots: no chromium on PATH (apt-get install chromium)")
    order, invoice, webhook, charge, rated = records()
    session = login()
    browser = Browser(chromium)
    try:
        browser.send("Network.enable")
        browser.send("Network.setCookie", name="session_id", value=session,
                     domain="127.0.0.1", path="/")
        browser.shoot(f"{URL}{ACTION}action_sale_order_fusion_billing", ".o_data_row",
                      "screenshot_subscriptions_list.png")
        browser.shoot(f"{URL}{ACTION}action_fusion_billing_usage_period",
                      ".o_pivot .o_pivot_cell_value", "screenshot_usage_pivot.png")
        browser.shoot(f"{URL}{ACTION}action_fusion_billing_charge/{charge}",
                      ".o_form_view .o_form_sheet",
                      "screenshot_charge_form.png")
        browser.shoot(f"{URL}{ACTION}action_sale_order_fusion_billing/{order}",
                      ".o_form_view .o_notebook", "demo_subscription_usage.png",
                      click=".o_notebook .nav-link[name=fusion_billing]",
                      then=".o_field_widget[name=x_fc_rated_usage_ids] .o_data_row", height=1300)
        browser.shoot(f"{URL}/odoo/action-account.action_move_out_invoice_type/{invoice}",
                      ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row",
                      "demo_invoice.png")
        browser.shoot(f"{URL}{ACTION}action_fusion_billing_rated_usage", ".o_data_row",
                      "demo_rated_usage.png")
        browser.shoot(f"{URL}{ACTION}action_fusion_billing_rated_usage/{rated}",
                      ".o_form_view .o_fc_breakdown", "demo_rated_usage_breakdown.png")
        browser.shoot(f"{URL}{ACTION}action_fusion_billing_webhook/{webhook}",
                      ".o_form_view .o_field_widget[name=attempt_ids] .o_data_row",
                      "demo_webhook.png")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
