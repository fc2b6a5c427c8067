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
        self.assertEqual(self.error("GET", "/subscriptions/sub_1?status=gone",
                                    status=400)["error"],
                         "BadRequest: status must be one of active, pending, terminated, "
                         "canceled")
