# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Lago's contract to the letter: methods, termination, the spec's constraints."""

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .api_common import PREFIX, ApiCommon


@tagged("post_install", "-at_install")
class TestApiContract(ApiCommon):
    # === METHODS (RFC 9110) === #

    @mute_logger("odoo.http")
    def test_a_405_says_which_methods_the_resource_has(self):
        for method, path, allowed in (
            ("TRACE", "/customers", "GET, POST"),
            ("PATCH", "/customers/cus_1", "GET, DELETE"),
            ("POST", "/health", "GET"),
            ("PUT", "/events/batch", "POST"),
            ("DELETE", "/plans/pro", "GET"),
            ("PATCH", "//subscriptions/sub_1/", "GET, PUT, DELETE"),
        ):
            with self.subTest(method=method, path=path):
                response = self.call(method, path)
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response.json()["code"], "method_not_allowed")
                self.assertEqual(response.headers["Allow"], allowed)

    def test_options_lists_the_methods_without_running_the_route(self):
        before = self.env["fusion.billing.account.link"].search_count([])
        for path, allowed in (("/customers", "GET, POST"), ("/events", "POST"),
                              ("/subscriptions/sub_1", "GET, PUT, DELETE"),
                              ("/health", "GET")):
            with self.subTest(path=path):
                response = self.url_open(f"{PREFIX}{path}", method="OPTIONS")
                self.assertEqual(response.status_code, 204)
                self.assertEqual(response.headers["Allow"], allowed)
                self.assertEqual(response.content, b"")
        self.assertEqual(self.env["fusion.billing.account.link"].search_count([]), before)

    # === DELETE TERMINATES AT ONCE === #

    def _rate_by_cron(self):
        # An HttpCase is in the registry's test mode already: the cron's commits are
        # savepoints of the test's transaction.
        self.env.ref(
            "fusion_centralize_billing.ir_cron_fusion_billing_rate_usage"
        ).method_direct_trigger()

    def test_delete_terminates_at_once_and_the_last_usage_is_invoiced(self):
        self.env.company.partner_id.tz = "America/Toronto"
        self.service.mode = "live"
        self.plan.x_fc_product_id.recurring_invoice = True
        self.customer()
        with freeze_time("2026-11-20 15:00:00"):  # 10:00 in Toronto
            self.subscribe(subscription_at="2026-11-01")
            order = self.env["sale.order"].search([("x_fc_external_id", "=", "sub_1"),
                                                   ("x_fc_service_id", "=", self.service.id)])
            order._create_invoices().action_post()  # November's fee, paid in advance
            self.ok("POST", "/events", {"event": self.event(
                "before", 4, timestamp="2026-11-20T14:59:59Z")})
            ended = self.ok("DELETE", "/subscriptions/sub_1")["subscription"]
            self.assertEqual(
                (ended["status"], ended["terminated_at"], ended["ending_at"]),
                ("terminated", "2026-11-20T15:00:00Z", "2026-11-20"))
            # Every later read says so; as in Lago, the default read is the live one.
            self.assertEqual(self.error("GET", "/subscriptions/sub_1", status=404)["code"],
                             "subscription_not_found")
            shown = self.ok("GET", "/subscriptions/sub_1?status=terminated")["subscription"]
            self.assertEqual((shown["status"], shown["terminated_at"]),
                             ("terminated", "2026-11-20T15:00:00Z"))
            listed = self.ok("GET", "/subscriptions?status[]=terminated")["subscriptions"]
            self.assertEqual([(s["external_id"], s["status"], s["terminated_at"])
                              for s in listed],
                             [("sub_1", "terminated", "2026-11-20T15:00:00Z")])
            self.assertEqual(self.ok("GET", "/subscriptions")["subscriptions"], [])
            self.error("PUT", "/subscriptions/sub_1", {"subscription": {"name": "x"}},
                       status=404)
            self.error("DELETE", "/subscriptions/sub_1", status=404)
            # A push after the termination is refused, even on its last day.
            refused = self.error("POST", "/events", {"event": self.event(
                "after", 1, timestamp="2026-11-20T15:00:01Z")})
            self.assertEqual(refused["error_details"], {"timestamp": ["after_subscription_end"]})
            self.ok("POST", "/events", {"event": self.event(
                "at-the-end", 1, timestamp="2026-11-20T15:00:00Z")})
        # The usage up to the termination goes on the last invoice, after the last day.
        with freeze_time("2026-11-21 06:00:00"):
            self._rate_by_cron()
        [rated] = order.x_fc_rated_usage_ids
        self.assertEqual((rated.period_start.isoformat(), rated.period_end.isoformat(),
                          rated.units), ("2026-11-01", "2026-11-20", 5))
        self.assertEqual(rated.invoice_id.state, "posted")
        self.assertEqual(rated.invoice_id.x_fc_subscription_id, order)
        self.assertEqual(rated.invoice_line_id.price_subtotal, 7.0)  # 5 x CAD 1 + CAD 2 flat

    def test_delete_of_a_subscription_not_started_calls_it_off(self):
        self.customer()
        with freeze_time("2026-11-20 15:00:00"):
            self.subscribe(subscription_at="2026-12-01")
            ended = self.ok("DELETE", "/subscriptions/sub_1")["subscription"]
            self.assertEqual((ended["status"], ended["terminated_at"]),
                             ("canceled", "2026-11-20T15:00:00Z"))
            shown = self.ok("GET", "/subscriptions/sub_1?status=canceled")["subscription"]
            self.assertEqual(shown["status"], "canceled")
            refused = self.error("POST", "/events", {"event": self.event(
                "early", 1, timestamp="2026-11-20T14:00:00Z")})
            self.assertEqual(refused["error_details"],
                             {"external_subscription_id": ["subscription_not_found"]})

    def test_an_unknown_status_is_a_bad_request(self):
        for status in ("gone", ""):
            with self.subTest(status=status):
                self.assertEqual(
                    self.error("GET", f"/subscriptions/sub_1?status={status}",
                               status=400)["error"],
                    "BadRequest: status must be one of active, pending, terminated, canceled")

    # === THE SPEC'S CONSTRAINTS, AS THE SERVER APPLIES THEM === #

    def test_pages_are_bounded_as_the_spec_says(self):
        self.assertEqual(self.ok("GET", "/customers?page=1000000&per_page=100")["customers"], [])
        for query in ("per_page=101", "page=1000001", "page=0", "page=", "page=%2B3",
                      "per_page=1.0"):
            with self.subTest(query=query):
                self.error("GET", f"/customers?{query}", status=400)

    def test_an_unknown_enum_value_is_a_bad_request(self):
        for path in ("/invoices?status=paid", "/invoices?payment_status=late",
                     "/subscriptions?status[]=active&status[]=gone",
                     "/invoices?issuing_date_from=", "/invoices?issuing_date_to=20261101"):
            with self.subTest(path=path):
                self.error("GET", path, status=400)
        self.assertEqual(self.ok("GET", "/subscriptions?status[]=pending")["subscriptions"], [])

    def test_ids_are_non_blank_strings_of_at_most_255_characters(self):
        cases = (
            (7, "invalid_type"), ("   ", "value_is_mandatory"), ("\t\n", "value_is_mandatory"),
            ("x" * 256, "value_is_too_long"), (" " * 250 + "x" * 6, "value_is_too_long"),
        )
        for external_id, code in cases:
            with self.subTest(external_id=external_id):
                payload = self.error("POST", "/customers",
                                     {"customer": {"external_id": external_id}})
                self.assertEqual(payload["error_details"], {"external_id": [code]})
        self.assertEqual(self.customer("x" * 255)["external_id"], "x" * 255)
        self.assertEqual(self.customer("\u00a0cus\u00a0")["external_id"], "\u00a0cus\u00a0",
                         "only ASCII blanks are blank, as the spec's pattern says")

    def test_customer_fields_follow_the_spec(self):
        self.assertEqual(self.customer(country="CA", email=" billing@mapleleaf.example ")
                         ["country"], "CA")
        self.assertIsNone(self.customer(country="  ", email="")["country"], "blank clears")
        payload = self.error("POST", "/customers", {"customer": {
            "external_id": "cus_1", "country": "ca", "email": "billing @mapleleaf.example",
            "name": {"first": "Maple"}}})
        self.assertEqual(payload["error_details"], {
            "country": ["country_must_be_iso2"], "email": ["invalid_email_format"],
            "name": ["invalid_type"]})

    def test_an_empty_batch_and_a_document_in_properties_are_refused(self):
        self.customer()
        self.subscribe(subscription_at="2026-11-01")
        self.assertEqual(self.error("POST", "/events/batch", {"events": []})["error_details"],
                         {"events": ["no_events"]})
        payload = self.error("POST", "/events", {"event": self.event(
            "nested", 1, properties={"value": 1, "meta": {"region": "ca-central"}})})
        self.assertEqual(payload["error_details"], {"properties": ["invalid_format"]})

    def test_instants_are_dates_or_rfc3339_from_1970_to_2099(self):
        self.customer()
        self.subscribe(subscription_at="2026-11-01")
        with freeze_time("2026-11-20 15:00:00"):
            for timestamp in ("2100-01-01", "2026-02-29", "2026-11-10T10:00", "2026-W46-2"):
                with self.subTest(timestamp=timestamp):
                    payload = self.error("POST", "/events", {"event": self.event(
                        "t", 1, timestamp=timestamp)})
                    self.assertEqual(payload["error_details"], {"timestamp": ["invalid_format"]})
            far = self.error("POST", "/events", {"event": self.event("far", 1, timestamp=1e20)})
            self.assertEqual(far["error_details"], {"timestamp": ["timestamp_in_the_future"]})
            stored = self.ok("POST", "/events", {"event": self.event(
                "z", 1, timestamp="2026-11-10t05:00:00-05:00")})["event"]
            self.assertEqual(stored["timestamp"], "2026-11-10T10:00:00.000Z")
            refused = self.error("PUT", "/subscriptions/sub_1",
                                 {"subscription": {"ending_at": "2026-10-31"}})
            self.assertEqual(refused["error_details"], {"ending_at": ["invalid_date"]})
            self.assertEqual(self.error("POST", "/subscriptions", {"subscription": {
                "external_customer_id": "cus_1", "plan_code": "pro", "external_id": "s2",
                "subscription_at": "1969-12-31"}})["error_details"],
                {"subscription_at": ["invalid_date"]})
