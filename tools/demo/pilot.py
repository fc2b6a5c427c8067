# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A dual run anyone can watch, run in ``odoo shell`` by ``bash tools/demo.sh pilot``.

The app (NexaCloud, billing its customers itself) talks to the running demo server over
HTTP: customers, subscriptions, usage, and the invoices it billed, reported through
``POST /reconciliation/app_invoices``. Finance's side (reading the reconciliation, fixing
a price, the readiness, Go Live) is done here as the admin user, and each step says where
to look in the back end. A month's end is played by running Odoo's crons in this process
with the clock set to that day (the server keeps its own clock). Every run plays a new
pilot service, so it can be run again and again.
"""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import os
import sys
from datetime import UTC, datetime, timedelta

import requests
from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time

URL = os.environ.get("FCB_DEMO_URL", "http://127.0.0.1:8069")
API = f"{URL}/api/billing/v1"
RUN = datetime.now(UTC).strftime("%m%d%H%M%S")
admin = env.ref("base.user_admin")
env = env(user=admin)  # finance's actions, as the Billing Administrator
company = env.company
currency = company.currency_id.name
today = datetime.now(UTC).date()
MONTH_A = (today.replace(day=1) - relativedelta(months=2))
MONTH_B = MONTH_A + relativedelta(months=1)
NEXT = today.replace(day=1) + relativedelta(months=1)
CUSTOMERS = [  # (id, name, API calls in each month)
    ("maple", "Maple Leaf Hosting", 400),
    ("aurora", "Aurora Apps", 850),
    ("prairie", "Prairie Data", 620),
    ("tundra", "Tundra Analytics", 2600),
]


def step(number, title):
    print(f"\n{number}. {title}")


def say(text=""):
    print(f"   {text}")


def look(where):
    print(f"   -> back end: {URL}/odoo/{where}")


def commit():
    env.cr.commit()


def api(method, path, key, body=None):
    response = requests.request(method, f"{API}{path}", json=body, timeout=60,
                                headers={"Authorization": f"Bearer {key}"})
    if response.status_code != 200:
        sys.exit(f"demo pilot: {method} {path} answered {response.status_code}: "
                 f"{response.text[:300]}")
    # The server wrote in its own transaction: start a new one here to read it.
    commit()
    env.invalidate_all()
    return response.json()


def close_month(service, day):
    """The month's end: the pilot's subscriptions rated here with the clock on ``day``
    (what the rating cron does for every subscription, hourly, on the server)."""
    env.invalidate_all()
    orders = service._fc_subscriptions().sudo()  # the cron's work: the system's rights
    with freeze_time(datetime.combine(day, datetime.min.time()) + timedelta(hours=6)):
        orders._fc_lock()
        orders._fc_rate_closed_periods(orders[:1]._fc_today())
    commit()


def lines(service, period_start):
    return env["fusion.billing.reconciliation"].search(
        [("service_id", "=", service.id), ("period_start", "=", period_start)])


def show_lines(service, period_start):
    for line in lines(service, period_start).filtered(lambda r: not r.metric_code):
        app = f"{line.app_amount:9.2f}" if line.app_reported else "         "
        difference = f"{line.difference:+7.2f}" if line.state in ("matched", "mismatch") \
            else "       "
        say(f"{line.partner_id.name:<20} period total  Odoo {line.odoo_amount:9.2f}  "
            f"App {app}  Difference {difference}  {line.state}")


def setup():
    """The pilot service, its plan (CAD 49 a month, HST) and its API calls charge."""
    hst = company.account_sale_tax_id
    service = env["fusion.billing.service"].create({
        "name": f"NexaCloud Pilot {RUN}", "code": f"pilot_{RUN}",
        "reconciliation_tolerance_cents": 1, "readiness_periods": 1,
    })
    calls = env["fusion.billing.metric"].create({
        "service_id": service.id, "name": "API calls", "code": "api_calls",
        "unit_name": "calls",
    })
    fee = env["product.product"].create({
        "name": "NexaCloud Pro (monthly fee)", "type": "service", "invoice_policy": "order",
        "recurring_invoice": True, "list_price": 49.0, "taxes_id": [Command.set(hst.ids)],
    })
    usage = env["product.product"].create({
        "name": "NexaCloud API calls", "type": "service", "invoice_policy": "delivery",
        "taxes_id": [Command.set(hst.ids)],
    })
    plan = env["sale.subscription.plan"].create({
        "name": "Pilot Pro Monthly", "x_fc_plan_code": "pilot_pro",
        "x_fc_service_id": service.id, "billing_period_unit": "month",
        "x_fc_product_id": fee.id,
    })
    # The price finance typed for the second tier is wrong: CAD 0.05, the app bills 0.04.
    charge = env["fusion.billing.charge"].create({
        "plan_id": plan.id, "metric_id": calls.id, "product_id": usage.id,
        "charge_model": "graduated", "properties": {"graduated_ranges": [
            {"from_value": 0, "to_value": 1000, "per_unit_amount": "0.02",
             "flat_amount": "0"},
            {"from_value": 1000, "to_value": None, "per_unit_amount": "0.05",
             "flat_amount": "0"},
        ]},
    })
    key = service._generate_key("pilot")
    commit()
    return service, charge, key, hst


def app_price(calls):
    """What the app bills for a month (its own code): the fee and the API calls, in
    cents, at its correct prices (0.02 up to 1,000 calls, then 0.04)."""
    usage = min(calls, 1000) * 2 + max(calls - 1000, 0) * 4
    return 4900 + usage, usage


def report(service, key, month, cent_off=None):
    last = month + relativedelta(months=1, days=-1)
    invoices = []
    for slug, _name, calls in CUSTOMERS:
        total, usage = app_price(calls)
        if slug == cent_off:
            total, usage = total + 1, usage + 1  # the app's own rounding, a cent up
        invoices.append({
            "invoice_id": f"{slug}-{RUN}-{month:%Y%m}",
            "external_subscription_id": f"sub_{slug}_{RUN}",
            "from_date": month.isoformat(), "to_date": last.isoformat(), "currency": currency,
            "amount_cents": total,
            "fees": [{"billable_metric_code": "api_calls", "amount_cents": usage}],
        })
    body = api("POST", "/reconciliation/app_invoices", key, {"app_invoices": invoices})
    env.invalidate_all()
    return body["app_invoices"]


def push_month(key, month):
    events = [{
        "transaction_id": f"calls-{slug}-{month:%Y%m}-{RUN}",
        "external_subscription_id": f"sub_{slug}_{RUN}", "code": "api_calls",
        "timestamp": f"{(month + timedelta(days=14)).isoformat()}T12:00:00Z",
        "properties": {"value": calls},
    } for slug, _name, calls in CUSTOMERS]
    api("POST", "/events/batch", key, {"events": events})


def main():
    step(1, f"A pilot service in shadow, in {currency}, with HST on its products")
    service, charge, key, hst = setup()
    say(f"{service.name}: shadow; plan pilot_pro at {currency} 49 a month; API calls "
        f"graduated, 0.02 to 1,000 then 0.05 (a typo: the app bills 0.04); tax {hst.name}")
    say("tolerance 1 cent; ready when every subscription's last closed period matches")
    look(f"action-fusion_centralize_billing.action_fusion_billing_service/{service.id}")

    step(2, f"The app subscribes four customers from {MONTH_A:%d %B %Y} (POST /customers, "
         "/subscriptions)")
    for slug, name, _calls in CUSTOMERS:
        api("POST", "/customers", key, {"customer": {
            "external_id": f"cus_{slug}_{RUN}", "name": name,
            "email": f"billing+{RUN}@{slug}.example", "currency": currency}})
        api("POST", "/subscriptions", key, {"subscription": {
            "external_customer_id": f"cus_{slug}_{RUN}", "plan_code": "pilot_pro",
            "external_id": f"sub_{slug}_{RUN}",
            "subscription_at": f"{MONTH_A.isoformat()}T00:00:00Z"}})
        say(f"sub_{slug}_{RUN}: {name}")

    step(3, f"{MONTH_A:%B}: the app pushes usage; the month closes; Odoo rates it (shadow)")
    push_month(key, MONTH_A)
    close_month(service, MONTH_B)
    say("Odoo's figures are on the Reconciliation lines, waiting for the app's:")
    show_lines(service, MONTH_A)

    step(4, "The app bills its customers itself and reports its invoices "
         "(POST /reconciliation/app_invoices)")
    for item in report(service, key, MONTH_A, cent_off="prairie"):
        say(f"{item['invoice_id']}: {currency} {item['amount_cents'] / 100:,.2f}, "
            f"{item['outcome']}")
    show_lines(service, MONTH_A)
    look("billing-reconciliation  (mismatches first)")

    step(5, "Finance reads the mismatch and its cause")
    mismatch = lines(service, MONTH_A).filtered(
        lambda r: r.state == "mismatch" and r.metric_code == "api_calls")
    say(f"{mismatch.display_name}: Odoo {mismatch.odoo_amount:.2f}, app "
        f"{mismatch.app_amount:.2f}, difference {mismatch.difference:+.2f}")
    usage = env["fusion.billing.usage"].search(mismatch.action_view_usage()["domain"])
    rated = env["fusion.billing.rated.usage"].search(
        mismatch.action_view_rated_usage()["domain"])
    say(f"usage behind Odoo's figure: {len(usage)} push(es), "
        f"{sum(usage.mapped('quantity')):,.0f} calls (button Usage Rows on the line)")
    say(f"the charge behind it: {rated.name} (button Charges)")
    say("prairie's line is a cent off: within the tolerance, it matches")
    look(f"billing-reconciliation/{mismatch.id}")

    step(6, "Finance fixes the tier price in Odoo (Catalogue > Usage Charges)")
    ranges = charge.properties["graduated_ranges"]
    ranges[1]["per_unit_amount"] = "0.04"
    charge.properties = {"graduated_ranges": ranges}
    commit()
    say("second tier: CAD 0.04 per call, as the app bills it")
    look(f"action-fusion_centralize_billing.action_fusion_billing_charge/{charge.id}")

    step(7, f"{MONTH_B:%B}: usage, the month closes, the app reports: everything matches")
    push_month(key, MONTH_B)
    close_month(service, today)
    report(service, key, MONTH_B)
    show_lines(service, MONTH_B)

    step(8, "Readiness turns green (the service's Dual Run tab)")
    result, _largest = service._fc_readiness()
    say(f"{result.ready_subscriptions} of {result.subscriptions} subscriptions match their last "
        f"closed period; {result.matched_share}% of lines matched; ready: {result.ready}")
    if not result.ready:
        sys.exit("demo pilot: the service should be ready; see the reconciliation lines")

    step(9, "Go Live (Billing Administrator): billing handed over whole")
    # Check Enterprise Coupling first: Go Live needs a passed pre-flight on this database.
    preflight = env["fusion.billing.preflight"]._fc_run(service.company_id)
    commit()
    say(f"Enterprise pre-flight: {preflight.state}")
    if preflight.state != "passed":
        sys.exit("demo pilot: the pre-flight failed:\n" + preflight._fc_report())
    wizard = env["fusion.billing.go.live.wizard"].create({"service_id": service.id})
    wizard.action_go_live()
    commit()
    orders = service._fc_subscriptions()
    handover = min(orders.mapped("next_invoice_date"))
    say(f"{len(orders)} subscriptions on native billing from {handover} (the app bills "
        f"{today:%B}); the decision and its readiness are kept")
    look(f"action-fusion_centralize_billing.action_fusion_billing_service/{service.id}")

    step(10, f"{NEXT:%d %B}: the first live invoice, with {hst.name}")
    close_month(service, NEXT)  # the app's last month: reconciled, never invoiced
    with freeze_time(datetime.combine(NEXT, datetime.min.time()) + timedelta(hours=6)):
        # Native recurring invoicing of these subscriptions (Enterprise's method, §8).
        invoices = orders.sudo()._create_recurring_invoice()
    commit()
    for invoice in invoices[:2]:
        say(f"{invoice.name} of {invoice.invoice_date} for {invoice.partner_id.name}: "
            f"{invoice.amount_untaxed:.2f} + tax {invoice.amount_tax:.2f} = "
            f"{invoice.currency_id.name} {invoice.amount_total:.2f}")
        for line in invoice.invoice_line_ids:
            taxes = ", ".join(line.tax_ids.mapped("name"))
            say(f"  {line.name[:60]:<60} {line.price_subtotal:8.2f}  {taxes}")
    say(f"{len(invoices)} invoices for {NEXT:%B}; {today:%B} stayed the app's to bill")
    try:
        service.action_set_shadow()
    except UserError as refusal:
        say(f"Back to Shadow, tried now: {str(refusal).split(': ', 1)[-1][:150]}")
    env.cr.rollback()
    look("action-account.action_move_out_invoice_type")


main()
