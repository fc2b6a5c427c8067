# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""POST and GET /reconciliation/app_invoices: Lago's body, errors and status codes."""

from odoo.tests import tagged

from .api_common import ApiCommon

PATH = "/reconciliation/app_invoices"


def invoice(invoice_id="inv-1", sub="sub_1", start="2026-10-01", end="2026-10-31",
            total=5900, **values):
    return {"invoice_id": invoice_id, "external_subscription_id": sub, "from_date": start,
            "to_date": end, "currency": "CAD", "amount_cents": total,
            "fees": [{"billable_metric_code": "api_calls", "amount_cents": total - 4900}],
            **values}


@tagged("post_install", "-at_install")
class TestDualRunApi(ApiCommon):
    def test_post_stores_answers_each_with_its_outcome_and_a_resend_replaces(self):
        body = self.ok("POST", PATH, {"app_invoices": [invoice(), invoice("inv-2", "sub_2")]})
        self.assertEqual([(i["invoice_id"], i["outcome"]) for i in body["app_invoices"]],
                         [("inv-1", "created"), ("inv-2", "created")])
        self.assertEqual(body["app_invoices"][0]["fees"],
                         [{"billable_metric_code": "api_calls", "amount_cents": 1000}])
        self.assertEqual(body["app_invoices"][0]["source"], "api")
        again = self.ok("POST", PATH, {"app_invoices": [invoice(total=6000)]})[
            "app_invoices"][0]
        self.assertEqual((again["outcome"], again["revision_count"], again["amount_cents"]),
                         ("replaced", 1, 6000))
        same = self.ok("POST", PATH, {"app_invoices": [invoice(total=6000)]})
        self.assertEqual(same["app_invoices"][0]["outcome"], "unchanged")
        line = self.env["fusion.billing.reconciliation"].search([
            ("service_id", "=", self.service.id), ("subscription_key", "=", "sub_1"),
            ("metric_code", "=", "api_calls")])
        self.assertEqual((line.app_amount, line.metric_id, line.state),
                         (11.0, self.calls, "missing_odoo"))

    def test_a_bad_batch_is_422_by_index_and_stores_nothing(self):
        payload = self.error("POST", PATH, {"app_invoices": [
            invoice(), invoice("inv-2", currency="CA"), invoice("inv-3", total=12.5),
            invoice("inv-1")]})
        self.assertEqual(payload["code"], "validation_errors")
        self.assertEqual(payload["error_details"], {
            "1": {"currency": ["currencies_does_not_exist"]},
            "2": {"amount_cents": ["invalid_amount"], "fees.0.amount_cents": ["invalid_amount"]},
            "3": {"invoice_id": ["duplicated_in_batch"]},
        })
        self.assertFalse(self.env["fusion.billing.app.invoice"].search_count(
            [("service_id", "=", self.service.id)]))
        too_many = self.error("POST", PATH, {"app_invoices": [
            invoice(f"inv-{n}") for n in range(101)]})
        self.assertEqual(too_many["error_details"], {"app_invoices": ["too_many_app_invoices"]})
        self.assertEqual(self.error("POST", PATH, {"app_invoice": []}, status=400)["error"],
                         "BadRequest: param is missing or the value is empty: app_invoices")
        self.error("POST", PATH, {"app_invoices": [invoice()]}, key="fcb_" + "0" * 40,
                   status=401)
        self.error("DELETE", PATH, status=405)

    def test_get_lists_what_the_app_sent_to_its_own_service_only(self):
        self.ok("POST", PATH, {"app_invoices": [
            invoice(), invoice("inv-2", start="2026-11-01", end="2026-11-30"),
            invoice("inv-3", "sub_2")]})
        listed = self.ok("GET", f"{PATH}?external_subscription_id=sub_1&per_page=1")
        self.assertEqual([i["invoice_id"] for i in listed["app_invoices"]], ["inv-2"])
        self.assertEqual((listed["meta"]["total_count"], listed["meta"]["next_page"]), (2, 2))
        october = self.ok("GET", f"{PATH}?from_date=2026-10-01&to_date=2026-10-31")
        self.assertEqual(sorted(i["invoice_id"] for i in october["app_invoices"]),
                         ["inv-1", "inv-3"])
        self.assertEqual(self.ok("GET", PATH, key=self.other_key)["app_invoices"], [])
        self.error("GET", f"{PATH}?from_date=October", status=400)
