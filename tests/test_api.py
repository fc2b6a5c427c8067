# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The Lago-shaped REST API, route by route, with every error status."""

import json

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .api_common import PREFIX, SERVER_NOW, ApiCommon


# The dates below are of November 2026: the server's today is SERVER_NOW (ApiCommon's
# clock, said here again so that this file reads on its own).
@tagged("post_install", "-at_install")
@freeze_time(SERVER_NOW, tick=True)
class TestApi(ApiCommon):
    # === CUSTOMERS === #

    def test_customer_upsert_reuses_the_partner_with_that_email(self):
        created = self.customer(country="CA", city="Ottawa")
        link = self.env["fusion.billing.account.link"].search(
            [("lago_id", "=", created["lago_id"])])
        self.assertEqual(link.partner_id, self.partner, "same email, any case: same client")
        self.assertEqual(created["external_id"], "cus_1")
        self.assertEqual(created["country"], "CA")
        self.assertEqual(created["currency"], self.env.company.currency_id.name)
        updated = self.customer(name="Maple Leaf Hosting Inc.")
        self.assertEqual(updated["lago_id"], created["lago_id"])
        self.assertEqual(updated["name"], "Maple Leaf Hosting Inc.")
        self.assertEqual(updated["city"], "Ottawa", "fields not sent are kept")
        shown = self.ok("GET", "/customers/cus_1")["customer"]
        self.assertEqual(shown["lago_id"], created["lago_id"])
        listed = self.ok("GET", "/customers?per_page=1")
        self.assertEqual(listed["meta"], {"current_page": 1, "next_page": None,
                                          "prev_page": None, "total_pages": 1,
                                          "total_count": 1})

    def test_customer_errors(self):
        payload = self.error("POST", "/customers", {"customer": {
            "name": "No id", "email": "not an email", "country": "Canada", "currency": "EUR",
            "city": ["Ottawa"]}})
        self.assertEqual(payload["error_details"], {
            "external_id": ["value_is_mandatory"], "email": ["invalid_email_format"],
            "country": ["country_must_be_iso2"], "currency": ["currencies_does_not_match"],
            "city": ["invalid_type"],
        })
        self.assertEqual(self.error("GET", "/customers/nobody", status=404)["code"],
                         "customer_not_found")
        self.assertEqual(self.error("GET", "/customers?page=zero", status=400)["error"],
                         "BadRequest: page must be a positive whole number")

    def test_a_customer_with_a_live_subscription_cannot_be_deleted(self):
        self.customer()
        self.subscribe()
        payload = self.error("DELETE", "/customers/cus_1")
        self.assertEqual(payload["error_details"],
                         {"customer": ["customer_has_active_subscriptions"]})
        self.ok("DELETE", "/subscriptions/sub_1")
        order = self.env["sale.order"].search([("x_fc_external_id", "=", "sub_1")])
        order.end_date = "2020-01-01"  # terminated long ago
        self.ok("DELETE", "/customers/cus_1")
        self.error("GET", "/customers/cus_1", status=404)

    # === SUBSCRIPTIONS === #

    def test_subscription_lifecycle(self):
        self.customer()
        created = self.subscribe(name="Production")
        self.assertEqual((created["status"], created["plan_code"], created["name"]),
                         ("active", "pro", "Production"))
        self.assertEqual(created["plan_amount_cents"], 4900)
        order = self.env["sale.order"].search([("x_fc_lago_id", "=", created["lago_id"])])
        self.assertEqual(order.x_fc_plan_id, self.plan)
        self.assertFalse(order.plan_id, "the service is in shadow: no native plan")
        self.assertEqual(order.order_line.product_id.name, "Pro plan")
        self.assertEqual(order.state, "sale")
        again = self.subscribe(name="Production")
        self.assertEqual(again["lago_id"], created["lago_id"], "same id and plan: the same")
        changed = self.subscribe(plan_code="team")
        self.assertEqual((changed["plan_code"], changed["previous_plan_code"]), ("team", "pro"))
        renamed = self.ok("PUT", "/subscriptions/sub_1",
                          {"subscription": {"name": "Staging"}})["subscription"]
        self.assertEqual(renamed["name"], "Staging")
        self.assertEqual(self.ok("GET", "/subscriptions/sub_1")["subscription"]["lago_id"],
                         created["lago_id"])
        listed = self.ok("GET", "/subscriptions?external_customer_id=cus_1&plan_code=team")
        self.assertEqual([s["external_id"] for s in listed["subscriptions"]], ["sub_1"])
        ended = self.ok("DELETE", "/subscriptions/sub_1")["subscription"]
        self.assertEqual(ended["ending_at"], order._fc_today().isoformat())
        self.assertTrue(order.end_date)

    def test_subscription_errors(self):
        self.customer()
        payload = self.error("POST", "/subscriptions", {"subscription": {
            "plan_code": "pro", "subscription_at": "soon", "billing_time": "calendar"}})
        self.assertEqual(payload["error_details"], {
            "external_customer_id": ["value_is_mandatory"], "external_id": ["value_is_mandatory"],
            "subscription_at": ["invalid_date"], "billing_time": ["unsupported_billing_time"],
        })
        self.assertEqual(self.error("POST", "/subscriptions", {"subscription": {
            "external_customer_id": "cus_1", "plan_code": "gold", "external_id": "s"}},
            status=404)["code"], "plan_not_found")
        self.assertEqual(self.error("POST", "/subscriptions", {"subscription": {
            "external_customer_id": "nobody", "plan_code": "pro", "external_id": "s"}},
            status=404)["code"], "customer_not_found")
        self.assertEqual(self.error("GET", "/subscriptions/nope", status=404)["code"],
                         "subscription_not_found")

    def test_current_usage_of_a_live_subscription_has_its_period_end(self):
        """Native billing has not scheduled the first invoice yet: the period still ends
        (the official clients refuse a current usage without ``to_datetime``)."""
        self.service.mode = "live"
        self.customer()
        self.subscribe(subscription_at="2026-11-01")
        order = self.env["sale.order"].search([("x_fc_external_id", "=", "sub_1"),
                                               ("x_fc_service_id", "=", self.service.id)])
        self.assertTrue(order.plan_id)
        order.next_invoice_date = False
        usage = self.ok("GET", "/customers/cus_1/current_usage?external_subscription_id=sub_1")
        self.assertEqual(usage["customer_usage"]["from_datetime"], "2026-11-01T00:00:00Z")
        self.assertEqual(usage["customer_usage"]["to_datetime"], "2026-11-30T23:59:59Z")

    # === EVENTS === #

    def test_events_single_replay_batch_and_lookup(self):
        self.customer()
        self.subscribe(subscription_at="2026-11-01")
        first = self.ok("POST", "/events", {"event": self.event(
            "calls-1", 12, timestamp="2026-11-10T10:00:00Z")})["event"]
        self.assertEqual((first["transaction_id"], first["code"], first["timestamp"]),
                         ("calls-1", "api_calls", "2026-11-10T10:00:00.000Z"))
        replay = self.ok("POST", "/events", {"event": self.event(
            "calls-1", 12, timestamp="2026-11-10T10:00:00Z")})["event"]
        self.assertEqual(replay["lago_id"], first["lago_id"], "a replay answers 200, stored")
        batch = self.ok("POST", "/events/batch", {"events": [
            self.event("calls-2", 3, timestamp=1794536000),
            self.event("seats-1", 5, code="seats", timestamp="2026-11-11T00:00:00Z"),
        ]})["events"]
        self.assertEqual([e["transaction_id"] for e in batch], ["calls-2", "seats-1"])
        # A batch answers its new rows without reading them back: the same as reading them.
        for answered in batch:
            self.assertEqual(
                self.ok("GET", f"/events/{answered['transaction_id']}")["event"], answered)
        refused = self.error("POST", "/events/batch", {"events": [
            self.event("calls-3", 1),
            self.event("seats-1", 6, code="seats", timestamp="2026-11-11T00:00:00Z"),
            self.event("calls-4", "many"),
        ]})
        self.assertEqual(refused["error_details"], {
            "1": {"transaction_id": ["value_already_exist"]},
            "2": {"properties.value": ["value_is_not_valid_number"]},
        })
        self.error("GET", "/events/calls-3", status=404)  # nothing of that batch was kept
        shown = self.ok("GET", "/events/calls-1?external_subscription_id=sub_1")["event"]
        self.assertEqual(shown["lago_id"], first["lago_id"])
        self.assertEqual(self.error("POST", "/events/batch", {"events": []})["error_details"],
                         {"events": ["no_events"]})
        usage = self.ok("GET", "/customers/cus_1/current_usage?external_subscription_id=sub_1")
        calls = usage["customer_usage"]["charges_usage"][0]
        self.assertEqual((calls["units"], calls["amount_cents"]), ("15", 1700))
        self.assertEqual(usage["customer_usage"]["amount_cents"], 1700)
        self.assertEqual(self.error("GET", "/customers/cus_1/current_usage")["error_details"],
                         {"external_subscription_id": ["value_is_mandatory"]})

    # === CATALOGUE === #

    def test_plans_and_billable_metrics(self):
        plans = self.ok("GET", "/plans")
        self.assertEqual([p["code"] for p in plans["plans"]], ["pro", "team"])
        pro = self.ok("GET", "/plans/pro")["plan"]
        self.assertEqual((pro["interval"], pro["amount_cents"]), ("monthly", 4900))
        [charge] = pro["charges"]
        self.assertEqual((charge["charge_model"], charge["billable_metric_code"]),
                         ("graduated", "api_calls"))
        self.assertEqual(charge["properties"]["graduated_ranges"][1]["to_value"], None)
        metrics = self.ok("GET", "/billable_metrics")["billable_metrics"]
        self.assertEqual({m["code"]: m["aggregation_type"] for m in metrics},
                         {"api_calls": "sum_agg", "seats": "sum_agg"})
        self.assertEqual(self.ok("GET", "/billable_metrics/seats")["billable_metric"]["name"],
                         "Seats")
        self.assertEqual(self.error("GET", "/billable_metrics/nope", status=404)["code"],
                         "billable_metric_not_found")

    # === ISOLATION AND THE WIRE === #

    def test_another_services_records_are_404(self):
        self.customer()
        self.subscribe()
        for path in ("/customers/cus_1", "/subscriptions/sub_1", "/billable_metrics/seats"):
            with self.subTest(path=path):
                self.error("GET", path, status=404, key=self.other_key)
        self.assertEqual(self.ok("GET", "/plans/pro", key=self.other_key)["plan"]["name"],
                         "Desk Pro")
        self.assertEqual(self.ok("GET", "/customers", key=self.other_key)["customers"], [])

    @mute_logger("odoo.http")
    def test_every_bad_request_gets_a_lago_error(self):
        self.assertEqual(self.error("POST", "/customers", raw="{not json", status=400)["error"],
                         "BadRequest: the body is not valid JSON")
        self.assertEqual(self.error("POST", "/customers", {"client": {}}, status=400)["error"],
                         "BadRequest: param is missing or the value is empty: customer")
        self.assertEqual(self.error("POST", "/events", raw="[1, 2]", status=400)["error"],
                         "BadRequest: the body must be a JSON object")
        big = json.dumps({"customer": {"external_id": "x", "name": "y" * (1024 * 1024)}})
        self.assertEqual(self.error("POST", "/customers", raw=big, status=413)["code"],
                         "payload_too_large")
        for method, path in (("TRACE", "/customers"), ("POST", "/health"),
                             ("PATCH", "/events/batch")):
            with self.subTest(method=method, path=path):
                self.assertEqual(self.error(method, path, status=405)["code"],
                                 "method_not_allowed")

    def test_both_prefixes_and_stray_slashes_reach_the_same_routes(self):
        self.customer()
        for prefix, path in ((PREFIX, "//customers/cus_1/"),
                             ("/api/billing/api/v1", "/customers/cus_1")):
            with self.subTest(prefix=prefix, path=path):
                self.assertEqual(self.ok("GET", path, prefix=prefix)["customer"]["external_id"],
                                 "cus_1")
        self.assertEqual(self.ok("GET", "/health", prefix="/api/billing/api/v1")["status"],
                         "ok")

    def test_unknown_fields_are_ignored_as_lago_does(self):
        created = self.customer(billing_configuration={"payment_provider": None},
                                metadata=[], firstname=None)
        self.assertEqual(created["external_id"], "cus_1")

    def test_a_live_subscription_gets_its_native_plan(self):
        self.service.mode = "live"
        self.customer()
        created = self.subscribe()
        order = self.env["sale.order"].search([("x_fc_lago_id", "=", created["lago_id"])])
        self.assertEqual(order.plan_id, self.plan)
        self.assertEqual(order.order_line.mapped("product_id.name"), ["Pro plan"])

    # === INVOICES AND THE PORTAL === #

    def _live_invoice(self):
        self.service.mode = "live"
        self.plan.x_fc_product_id.recurring_invoice = True
        self.customer()
        created = self.subscribe(subscription_at="2026-11-01")
        order = self.env["sale.order"].search([("x_fc_lago_id", "=", created["lago_id"])])
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def test_invoices_list_show_download_and_filters(self):
        invoice = self._live_invoice()
        listed = self.ok("GET", "/invoices?external_customer_id=cus_1&status=finalized")
        [row] = listed["invoices"]
        self.assertEqual((row["lago_id"], row["status"], row["payment_status"]),
                         (invoice.x_fc_lago_id, "finalized", "pending"))
        self.assertEqual(row["total_amount_cents"], round(invoice.amount_total * 100))
        self.assertEqual(row["customer"]["external_id"], "cus_1")
        self.assertEqual(self.ok("GET", "/invoices?status=draft")["invoices"], [])
        self.assertEqual(self.ok("GET", "/invoices?payment_status=succeeded")["invoices"], [])
        self.assertEqual(self.error("GET", "/invoices?issuing_date_from=yesterday",
                                    status=400)["status"], 400)
        shown = self.ok("GET", f"/invoices/{invoice.x_fc_lago_id}")["invoice"]
        self.assertEqual(shown["fees"][0]["amount_cents"], 4900)
        downloaded = self.ok("POST", f"/invoices/{invoice.x_fc_lago_id}/download")["invoice"]
        self.assertIn(f"/my/invoices/{invoice.id}", downloaded["file_url"])
        self.assertIn("access_token=", downloaded["file_url"])
        self.error("GET", f"/invoices/{invoice.x_fc_lago_id}", status=404, key=self.other_key)

    def test_retry_payment_needs_a_card_and_never_runs_in_shadow(self):
        invoice = self._live_invoice()
        path = f"/invoices/{invoice.x_fc_lago_id}/retry_payment"
        self.assertEqual(self.error("POST", path)["error_details"],
                         {"invoice": ["no_payment_method"]})
        self.service.mode = "shadow"
        self.assertEqual(self.error("POST", path)["error_details"],
                         {"invoice": ["service_in_shadow_mode"]})

    def test_portal_url_signs_the_customer_in(self):
        self.customer()
        url = self.ok("GET", "/customers/cus_1/portal_url")["customer"]["portal_url"]
        self.assertIn("token=", url)
        self.assertIn("my%2Finvoices", url)
        self.error("GET", "/customers/cus_1/portal_url", status=404, key=self.other_key)
