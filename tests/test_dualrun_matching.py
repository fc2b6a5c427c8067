# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Matching the app's invoices with Odoo's figures: every status, the tolerance's edges,
a resend and its trace, either side arriving first."""

from datetime import date

from odoo.tests import tagged

from .dualrun_common import DualRunCommon

OCT, OCT_END = date(2026, 10, 1), date(2026, 10, 31)


@tagged("post_install", "-at_install")
class TestDualRunMatching(DualRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub1 = cls._subscription("sub-1")
        cls.sub2 = cls._subscription("sub-2")

    def setUp(self):
        super().setUp()
        self._push([
            self._event("c-1", "api_calls", "15"), self._event("gb-1", "storage", "120.5"),
            self._event("c-2", "api_calls", "3", sub="sub-2"),
        ])
        self._rate("2026-11-02 06:00:00")

    def test_odoo_writes_each_metric_and_the_whole_bill_waiting_for_the_app(self):
        lines = self._lines("sub-1", OCT)
        self.assertEqual(self._odoo_cents("sub-1", OCT)["api_calls"], 1700)
        self.assertEqual(self._odoo_cents("sub-1", OCT)["storage"], 603)
        # The plan's fee (49.00) and the usage: the figure the app's total meets.
        self.assertEqual(self._odoo_cents("sub-1", OCT)["total"],
                         4900 + sum(c for k, c in self._odoo_cents("sub-1", OCT).items()
                                    if k != "total"))
        self.assertEqual({line.state for line in lines.values()}, {"missing_app"})
        self.assertEqual(lines["total"].line_label, "Period total")
        self.assertEqual(lines["api_calls"].partner_id, self.partner)

    def test_every_status(self):
        self._intake([
            # One cent off is within the tolerance; two are not.
            self._app_invoice("inv-1", "sub-1", OCT, OCT_END,
                              shift={"api_calls": 1, "storage": -2, "total": 1},
                              drop=("bandwidth",)),
            self._app_invoice("inv-2", "sub-2", OCT, OCT_END, currency=self.other_currency),
            {"invoice_id": "inv-3", "external_subscription_id": "sub-ghost",
             "from_date": "2026-10-01", "to_date": "2026-10-31", "currency": "CAD",
             "amount_cents": 4900},
            {"invoice_id": "inv-4", "external_subscription_id": "sub-1",
             "from_date": "2026-10-05", "to_date": "2026-11-04", "currency": "CAD",
             "amount_cents": 5100},
        ])
        one = self._lines("sub-1", OCT)
        self.assertEqual((one["api_calls"].state, one["api_calls"].difference), ("matched", -0.01))
        self.assertEqual((one["storage"].state, one["storage"].difference), ("mismatch", 0.02))
        self.assertEqual((one["total"].state, one["total"].difference), ("matched", -0.01))
        self.assertEqual(one["bandwidth"].state, "missing_app")
        self.assertEqual(one["storage"].app_invoice_id.name, "inv-1")
        self.assertEqual({line.state for line in self._lines("sub-2", OCT).values()},
                         {"currency_mismatch"})
        ghost = self._lines("sub-ghost")["total"]
        self.assertEqual((ghost.state, ghost.app_amount, ghost.partner_id.id),
                         ("missing_odoo", 49.0, False))
        shifted = self._lines("sub-1", date(2026, 10, 5))["total"]
        self.assertEqual((shifted.state, shifted.period_known), ("period_mismatch", False))
        states = set(self.env["fusion.billing.reconciliation"].search(
            [("service_id", "=", self.service.id)]).mapped("state"))
        self.assertEqual(states, {"matched", "mismatch", "missing_app", "missing_odoo",
                                  "period_mismatch", "currency_mismatch"})
        first = self.env["fusion.billing.reconciliation"].search(
            [("service_id", "=", self.service.id)], limit=1)
        self.assertEqual(first.state, "mismatch", "mismatches come first")

    def test_tolerance_edges_and_a_changed_tolerance_judges_every_line_again(self):
        self._intake([self._app_invoice("inv-1", "sub-1", OCT, OCT_END,
                                        shift={"api_calls": 1, "storage": 7})])
        lines = self._lines("sub-1", OCT)
        self.assertEqual(lines["storage"].state, "mismatch")
        # 1% of the app's 6.10 is 6.1 cents: 7 cents off does not match, 6 would.
        self.service.with_user(self.billing_manager).write({
            "reconciliation_tolerance_cents": 0, "reconciliation_tolerance_percent": 1.0})
        self.assertEqual(lines["storage"].state, "mismatch")
        self.assertEqual(lines["api_calls"].state, "matched")  # 1% of 17.01 is 17 cents
        self.service.with_user(self.billing_manager).reconciliation_tolerance_percent = 1.15
        self.assertEqual(lines["storage"].state, "matched")  # 1.15% of 610 = 7.015 cents
        self.service.with_user(self.billing_manager).write({
            "reconciliation_tolerance_cents": 0, "reconciliation_tolerance_percent": 0})
        self.assertEqual((lines["api_calls"].state, lines["storage"].state),
                         ("mismatch", "mismatch"))
        self.assertEqual(lines["total"].state, "matched", "no cent off on the total")

    def test_a_resend_replaces_the_figures_and_keeps_the_earlier_ones(self):
        sent = self._app_invoice("inv-1", "sub-1", OCT, OCT_END)
        [(invoice, outcome)] = self._intake([sent])
        self.assertEqual(outcome, "created")
        self.assertEqual(self._intake([sent])[0][1], "unchanged")
        resend = self._app_invoice("inv-1", "sub-1", OCT, OCT_END,
                                   shift={"total": 500, "api_calls": 500}, drop=("storage",))
        [(again, outcome)] = self._intake([resend], source="csv")
        self.assertEqual((again, outcome, again.revision_count, again.source),
                         (invoice, "replaced", 1, "csv"))
        [revision] = again.revision_ids
        self.assertEqual(revision.figures["amount_cents"], sent["amount_cents"])
        self.assertEqual(revision.source, "api")
        lines = self._lines("sub-1", OCT)
        self.assertEqual(lines["api_calls"].state, "mismatch")
        self.assertEqual(lines["api_calls"].revision_ids.app_amount, 17.0)
        self.assertEqual(lines["api_calls"].revision_ids.state, "matched")
        self.assertEqual(lines["api_calls"].revision_ids.source, "csv")
        # The metric the resend no longer reports waits for the app again, with a trace.
        self.assertEqual(lines["storage"].state, "missing_app")
        self.assertFalse(lines["storage"].app_invoice_id)
        self.assertEqual(lines["storage"].revision_ids.app_amount, 6.03)

    def test_the_app_first_then_odoo_on_the_same_line(self):
        self._intake([{"invoice_id": "inv-nov", "external_subscription_id": "sub-1",
                       "from_date": "2026-11-01", "to_date": "2026-11-30",
                       "currency": self.currency.lower(),
                       "amount_cents": 4900,
                       "fees": [{"billable_metric_code": "api_calls", "amount_cents": 0}]}])
        before = self._lines("sub-1", date(2026, 11, 1))
        self.assertEqual({code: line.state for code, line in before.items()},
                         {"total": "missing_odoo", "api_calls": "missing_odoo"})
        self._rate("2026-12-01 06:00:00")
        after = self._lines("sub-1", date(2026, 11, 1))
        self.assertEqual(after["total"], before["total"])
        for code, app in (("total", 49.0), ("api_calls", 0.0)):
            line = after[code]
            self.assertTrue(line.odoo_reported)
            self.assertAlmostEqual(line.difference, line.odoo_amount - app)
            self.assertEqual(line.state, "matched" if abs(line.difference) <= 0.01
                             else "mismatch")
        self.assertEqual(after["storage"].state, "missing_app")
        self.assertFalse(after["total"].revision_ids, "nothing was overwritten")

    def test_a_bad_batch_stores_nothing_and_says_why_by_index(self):
        results, errors = self.env["fusion.billing.app.invoice"]._fc_intake(self.service, [
            self._app_invoice("inv-1", "sub-1", OCT, OCT_END),
            {**self._app_invoice("inv-2", "sub-2", OCT, OCT_END), "currency": "XQZ"},
        ], "api")
        self.assertEqual((results, errors),
                         ([], {"1": {"currency": ["currencies_does_not_exist"]}}))
        self.assertFalse(self.env["fusion.billing.app.invoice"].search(
            [("service_id", "=", self.service.id)]))

    def test_drill_down_from_a_line_to_the_usage_and_the_app_invoice(self):
        self._intake([self._app_invoice("inv-1", "sub-1", OCT, OCT_END,
                                        shift={"storage": 300})])
        line = self._lines("sub-1", OCT)["storage"]
        usage = self.env["fusion.billing.usage"].search(line.action_view_usage()["domain"])
        self.assertEqual(usage.mapped("transaction_id"), ["gb-1"])
        rated = self.env["fusion.billing.rated.usage"].search(
            line.action_view_rated_usage()["domain"])
        self.assertEqual((rated.metric_id, rated.amount), (self.storage, 6.03))
        self.assertEqual(line.action_view_app_invoice()["res_id"], line.app_invoice_id.id)

    def test_a_billing_user_exports_the_lines_with_empty_cells_where_a_side_is_missing(self):
        self._intake([self._app_invoice("inv-1", "sub-1", OCT, OCT_END, drop=("storage",),
                                        shift={"total": -603})])
        lines = self.env["fusion.billing.reconciliation"].with_user(self.billing_user).search(
            [("service_id", "=", self.service.id), ("subscription_key", "=", "sub-1")])
        action = lines.action_export_csv()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3]
                                                          .split("?")[0]))
        rows = attachment.raw.decode().splitlines()
        self.assertEqual(len(rows), len(lines) + 1)
        storage = next(row for row in rows if ",storage," in row)
        self.assertTrue(storage.endswith(f"{self.currency},6.03,,,,Missing in the App"))
        total = next(row for row in rows if ",Period total," in row)
        self.assertTrue(total.endswith(",6.03,Mismatch"), total)
