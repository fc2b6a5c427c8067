# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""POST /costs over HTTP: Lago-shaped bodies, statuses and errors; one key, one service."""

from datetime import datetime, timedelta

from odoo.tests import tagged

from .api_common import SERVER_NOW, ApiCommon

# Three days before the API tests' frozen clock: a day that has begun in every time zone.
DAY = (datetime.fromisoformat(SERVER_NOW) - timedelta(days=3)).date().isoformat()


@tagged("post_install", "-at_install")
class TestMarginApi(ApiCommon):
    def _costs(self, *items, **kwargs):
        return self.ok("POST", "/costs", {"costs": list(items)}, **kwargs)["costs"]

    def test_costs_in_and_the_resend_answers(self):
        self.customer()
        day = DAY
        first = self._costs(
            {"provider": "Google Maps", "date": day, "amount_cents": 8400,
             "external_customer_id": "cus_1", "units": "12000", "unit": "map loads",
             "billable_metric_code": "api_calls"},
            {"provider": "Google Maps", "date": day, "amount_cents": 1500},
        )
        self.assertEqual([cost["status"] for cost in first], ["created", "created"])
        cost = first[0]
        currency = self.env.company.currency_id.name
        self.assertEqual({key: cost[key] for key in (
            "provider", "date", "external_customer_id", "amount_cents", "amount_currency",
            "original_amount_cents", "original_currency", "exchange_rate", "units", "unit",
            "billable_metric_code", "source", "revision")}, {
            "provider": "google_maps", "date": day, "external_customer_id": "cus_1",
            "amount_cents": 8400, "amount_currency": currency, "original_amount_cents": None,
            "original_currency": None, "exchange_rate": None, "units": "12000",
            "unit": "map loads", "billable_metric_code": "api_calls", "source": "api",
            "revision": 0})
        self.assertTrue(cost["lago_id"] and cost["created_at"].endswith("Z"))
        self.assertIsNone(first[1]["external_customer_id"])

        again = self._costs(
            {"provider": "google_maps", "date": day, "amount_cents": 8400,
             "external_customer_id": "cus_1", "units": 12000, "unit": "map loads",
             "billable_metric_code": "api_calls"},
            {"provider": "Google Maps", "date": day, "amount_cents": 1600},
        )
        self.assertEqual([(c["status"], c["revision"]) for c in again],
                         [("unchanged", 0), ("replaced", 1)])
        self.assertEqual([c["lago_id"] for c in again], [c["lago_id"] for c in first])
        self.assertEqual(again[1]["amount_cents"], 1600)
        stored = self.env["fusion.billing.cost"].search([("service_id", "=", self.service.id)])
        self.assertEqual(len(stored), 2)
        self.assertEqual(stored.revision_ids.amount, 15.0)

    def test_errors_by_index_and_nothing_kept(self):
        self.customer()
        body = self.error("POST", "/costs", {"costs": [
            {"provider": "OpenAI", "date": DAY, "amount_cents": 10},
            {"provider": "OpenAI", "date": "not a day", "amount_cents": 1.5,
             "external_customer_id": "cus_unknown"},
        ]})
        self.assertEqual(body, {
            "status": 422, "error": "Unprocessable Entity", "code": "validation_errors",
            "error_details": {"1": {"date": ["invalid_date"],
                                    "amount_cents": ["invalid_amount"]}}})
        self.assertFalse(self.env["fusion.billing.cost"].search(
            [("service_id", "=", self.service.id)]))
        # The customer is checked once the cost itself reads well.
        body = self.error("POST", "/costs", {"costs": [
            {"provider": "OpenAI", "date": DAY, "amount_cents": 10,
             "external_customer_id": "cus_unknown"}]})
        self.assertEqual(body["error_details"],
                         {"0": {"external_customer_id": ["customer_not_found"]}})

    def test_a_key_reports_costs_of_its_own_service_only(self):
        self.customer()  # cus_1 of this key's service
        body = self.error("POST", "/costs", {"costs": [
            {"provider": "OpenAI", "date": DAY, "amount_cents": 10,
             "external_customer_id": "cus_1"}]}, key=self.other_key)
        self.assertEqual(body["error_details"],
                         {"0": {"external_customer_id": ["customer_not_found"]}})

    def test_the_batch_and_the_body(self):
        cost = {"provider": "OpenAI", "date": DAY, "amount_cents": 10}
        body = self.error("POST", "/costs", {"costs": [cost] * 101})
        self.assertEqual(body["error_details"], {"costs": ["too_many_costs"]})
        body = self.error("POST", "/costs", {"costs": []})
        self.assertEqual(body["error_details"], {"costs": ["no_costs"]})
        body = self.error("POST", "/costs", {"cost": cost}, status=400)
        self.assertEqual(body["error"], "BadRequest: param is missing or the value is empty: costs")
        self.error("POST", "/costs", raw="{", status=400)
        self.error("POST", "/costs", {"costs": [cost]}, key="fcb_" + "0" * 40, status=401)
        response = self.call("GET", "/costs")
        self.assertEqual(response.status_code, 405)
