# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Revenue from posted invoices (usage lines apart, credit notes deducted) beside the
costs: the margin report, its smart buttons, and charges priced below their unit cost."""

from datetime import UTC, datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .usage_common import UsageCommon

NOW = "2026-11-24 12:00:00"


@tagged("post_install", "-at_install")
class TestMarginReport(UsageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["fusion.billing.account.link"].create({
            "service_id": cls.service.id, "external_id": "cus_maple",
            "partner_id": cls.partner.id})
        cls.spruce = cls.env["res.partner"].create({"name": "Spruce Studio"})
        cls.env["fusion.billing.account.link"].create({
            "service_id": cls.service.id, "external_id": "cus_spruce",
            "partner_id": cls.spruce.id})
        cls.Margin = cls.env["fusion.billing.margin"]

    def _invoice_october(self):
        """A subscription's November invoice: 49.00 prepaid and October's usage (15 API
        calls, graduated: 17.00; no storage, the first volume tier's flat fee: 1.00),
        posted; then a credit note of 5.00 on the calls."""
        subscription = self._subscription()
        self._push([self._event("calls-a", "api_calls", "10"),
                    self._event("calls-b", "api_calls", "5")])
        with freeze_time("2026-11-02 09:00:00"):
            invoice = subscription._create_invoices()
            invoice.action_post()
        with freeze_time("2026-11-05 09:00:00"):
            refund = invoice._reverse_moves()
            usage_line = refund.invoice_line_ids.filtered("x_fc_usage_line").sorted(
                "price_subtotal", reverse=True)[:1]
            refund.write({"invoice_line_ids": [
                Command.unlink(line.id) for line in refund.invoice_line_ids - usage_line
            ] + [Command.update(usage_line.id, {"price_unit": 5.0})]})
            refund.action_post()
        return subscription, invoice, refund

    def _costs(self, items):
        results, errors = self.env["fusion.billing.cost"].sudo()._fc_ingest(
            self.service, items, now=self._now())
        self.assertEqual(errors, {})
        return results

    @staticmethod
    def _now():
        return datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    def test_revenue_counts_usage_lines_apart_and_deducts_credit_notes(self):
        subscription, invoice, refund = self._invoice_october()
        usage = invoice.invoice_line_ids.filtered("x_fc_usage_line")
        self.assertEqual(sorted(usage.mapped("price_subtotal")), [1.0, 17.0],
                         "the rated usage is on the invoice")
        self.assertEqual(usage, subscription.x_fc_rated_usage_ids.invoice_line_id)
        Revenue = self.env["fusion.billing.revenue"]
        rows = Revenue.search([("subscription_id", "=", subscription.id)])
        self.assertEqual(set(rows.move_id), {invoice, refund})
        by_move = {move: Revenue._read_group(
            [("move_id", "=", move.id)], [],
            ["recurring_revenue:sum", "usage_revenue:sum", "revenue:sum"])[0]
            for move in (invoice, refund)}
        self.assertEqual(by_move[invoice], (49.0, 18.0, 67.0))
        self.assertEqual(by_move[refund], (0.0, -5.0, -5.0))
        self.assertEqual({row.date.isoformat() for row in rows}, {"2026-11-02", "2026-11-05"})
        self.assertEqual((rows.service_id, rows.plan_id, rows.partner_id),
                         (self.service, self.plan, self.partner))

    @freeze_time(NOW)
    def test_the_margin_report_with_the_worst_customer_first(self):
        self._invoice_october()
        self._costs([
            {"provider": "OpenAI", "date": "2026-11-03", "amount_cents": 2000,
             "external_customer_id": "cus_maple"},
            {"provider": "OpenAI", "date": "2026-11-03", "amount_cents": 800,
             "external_customer_id": "cus_spruce"},
        ])
        domain = [("service_id", "=", self.service.id)]
        as_user = self.Margin.with_user(self.billing_user)
        groups = as_user._read_group(
            domain, ["partner_id"],
            ["revenue:sum", "cost:sum", "margin:sum", "margin_percent:avg"],
            order="margin:sum")
        self.assertEqual([tuple(g[:4]) for g in groups], [
            (self.spruce, 0.0, 8.0, -8.0),  # a cost and no revenue: a loss, first
            (self.partner, 62.0, 20.0, 42.0),
        ])
        self.assertIs(groups[0][4], False, "no revenue: no percent")
        self.assertAlmostEqual(groups[1][4], 4200 / 62)  # 67.7 %: of the sums
        # The list the finance users open: grouped by customer, ordered by margin.
        web = as_user.web_read_group(domain, ["partner_id"], ["margin:sum"], order="margin")
        self.assertEqual([g["partner_id"][0] for g in web["groups"]],
                         [self.spruce.id, self.partner.id])
        by_month = as_user._read_group(domain, ["service_id", "date:month"],
                                       ["revenue:sum", "cost:sum", "margin:sum"])
        self.assertEqual([tuple(g[2:]) for g in by_month], [(62.0, 28.0, 34.0)])
        openai = self.env["fusion.billing.provider"].search([("code", "=", "openai")])
        self.assertEqual(dict(as_user._read_group(domain, ["provider_id"], ["cost:sum"])),
                         {openai: 28.0, openai.browse(): 0.0})
        # The smart buttons say the same.
        self.assertEqual(self.partner.with_user(self.billing_user).x_fc_margin, 42.0)
        self.assertEqual(self.spruce.with_user(self.billing_user).x_fc_margin, -8.0)
        self.assertEqual(self.service.with_user(self.billing_user).x_fc_margin, 34.0)
        action = self.spruce.with_user(self.billing_user).action_fc_view_margin()
        self.assertEqual(action["domain"], [("partner_id", "=", self.spruce.id)])
        self.assertEqual(action["res_model"], "fusion.billing.margin")

    def test_the_report_is_for_billing_users(self):
        salesman = self.env["res.users"].create({
            "name": "Sam", "login": "sam_margin",
            "group_ids": [Command.set([self.env.ref("base.group_user").id])]})
        with self.assertRaises(AccessError):
            self.Margin.with_user(salesman)._read_group([], [], ["margin:sum"])
        # The customer's margin is the Billing Users' field only.
        self.assertNotIn("x_fc_margin", self.partner.with_user(salesman).fields_get())
        self.assertIn("x_fc_margin", self.partner.with_user(self.billing_user).fields_get())

    @freeze_time(NOW)
    def test_a_charge_priced_below_its_unit_cost_is_flagged(self):
        bandwidth = self.charges["bandwidth"]  # standard, CAD 0.02 per GB
        calls = self.charges["api_calls"]  # graduated, CAD 1 per call at best
        sales = self.charges["sales"]  # percentage: priced on amounts, not units
        self.assertFalse(bandwidth.unit_cost_known)
        self.assertFalse(bandwidth.below_cost, "an unknown cost flags nothing")
        self._costs([
            {"provider": "CDN", "date": "2026-11-20", "amount_cents": 3000, "units": "1000",
             "billable_metric_code": "bandwidth"},
            {"provider": "CDN", "date": "2026-11-21", "amount_cents": 1000, "units": "1000",
             "billable_metric_code": "bandwidth", "external_customer_id": "cus_maple"},
            {"provider": "CDN", "date": "2026-08-01", "amount_cents": 99999, "units": "1",
             "billable_metric_code": "bandwidth"},  # before the 90 days: not counted
            {"provider": "OpenAI", "date": "2026-11-20", "amount_cents": 50, "units": "100",
             "billable_metric_code": "api_calls"},
            {"provider": "Stripe", "date": "2026-11-20", "amount_cents": 500, "units": "1",
             "billable_metric_code": "sales"},
        ])
        self.env.invalidate_all()
        # CDN: 40.00 for 2,000 GB = 0.02 per GB: priced at cost, not below.
        self.assertEqual((bandwidth.unit_cost, bandwidth.lowest_unit_price), (0.02, 0.02))
        self.assertFalse(bandwidth.below_cost)
        self._costs([{"provider": "CDN", "date": "2026-11-22", "amount_cents": 100,
                      "units": "1000", "billable_metric_code": "bandwidth"}])
        self.env.invalidate_all()
        self.assertAlmostEqual(bandwidth.unit_cost, 41.0 / 3000, places=6)
        self.assertFalse(bandwidth.below_cost)
        self._costs([{"provider": "CDN", "date": "2026-11-22", "amount_cents": 9100,
                      "units": "1000", "billable_metric_code": "bandwidth"}])
        self.env.invalidate_all()
        # 131.00 for 3,000 GB = 0.04367 per GB, sold at 0.02: flagged.
        self.assertTrue(bandwidth.below_cost)
        self.assertEqual((calls.unit_cost, calls.lowest_unit_price, calls.below_cost),
                         (0.005, 1.0, False))
        self.assertTrue(sales.unit_cost_known)
        self.assertFalse(sales.below_cost)

    def test_the_views_open_for_who_uses_them(self):
        """Every margin view as the web client loads it, for the user who opens it."""
        for user, model, types in (
            (self.billing_user, "fusion.billing.margin", ["list", "pivot", "graph", "search"]),
            (self.billing_user, "fusion.billing.revenue", ["list", "pivot", "search"]),
            (self.billing_user, "fusion.billing.cost", ["list", "form", "pivot", "search"]),
            (self.billing_user, "fusion.billing.cost.allocation", ["list", "search"]),
            (self.billing_user, "fusion.billing.charge", ["form"]),
            (self.billing_user, "res.partner", ["form"]),
            (self.billing_manager, "fusion.billing.service", ["form"]),
            (self.billing_manager, "fusion.billing.allocation.rule", ["list", "form"]),
            (self.billing_manager, "fusion.billing.cost.bridge", ["list", "form"]),
            (self.billing_manager, "fusion.billing.cost.upload", ["form"]),
            (self.billing_manager, "fusion.billing.provider", ["list"]),
        ):
            views = self.env[model].with_user(user).get_views([(False, t) for t in types])
            self.assertEqual(set(views["views"]), set(types), model)
        partner_form = self.env["res.partner"].with_user(self.billing_user).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        self.assertIn("x_fc_margin", partner_form)
        charge_form = self.env["fusion.billing.charge"].with_user(self.billing_user).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Priced below cost", charge_form)
