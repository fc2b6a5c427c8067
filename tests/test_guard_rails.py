# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Billing facts of an app subscription are the system's: read-only in every view, a
change by hand refused, and moving the usage period back by any path bills nothing
twice."""

from datetime import date

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from odoo.addons.fusion_centralize_billing.models.sale_order import SYSTEM_FIELDS

from .usage_common import NOW, UsageCommon


@tagged("post_install", "-at_install")
class TestGuardRails(UsageCommon):

    def _october_invoiced(self):
        """A live subscription whose October usage is rated and on a posted invoice, and
        three days of November usage pushed."""
        subscription = self._subscription()
        e = self._event
        self._push([e("oct-calls", "api_calls", "12"), e("oct-gb", "storage", "150"),
                    e("oct-seats", "seats", "3"), e("oct-bw", "bandwidth", "1500")])
        with freeze_time("2026-11-01 06:00:00"):
            self._rate_by_cron()
            october = self.env["sale.order"]._cron_recurring_create_invoice()
        self.assertEqual(october.state, "posted")
        self._push([e("nov-calls", "api_calls", "4", at="2026-11-03T10:00:00Z"),
                    e("nov-gb", "storage", "20", at="2026-11-03T10:00:00Z")])
        return subscription, october

    def _usage_now(self, subscription):
        subscription.invalidate_recordset()
        return (subscription.x_fc_current_amount, subscription._fc_api_current_usage())

    def test_a_billing_user_cannot_change_a_billing_fact(self):
        subscription, _invoice = self._october_invoiced()
        as_user = subscription.with_user(self.billing_user)
        other_plan = self._create_plan("pro_yearly")
        for vals in ({"x_fc_usage_start": "2026-10-15"}, {"x_fc_usage_start": False},
                     {"x_fc_plan_id": other_plan.id}, {"plan_id": other_plan.id},
                     {"x_fc_external_id": "sub-2"}, {"x_fc_live_from": "2026-10-01"},
                     {"x_fc_service_id": False}, {"x_fc_usage_billed": False}):
            with self.subTest(vals=vals), self.assertRaises(UserError) as caught:
                as_user.write(vals)
            self.assertIn("kept by the billing system", str(caught.exception))
        self.assertEqual(subscription.x_fc_usage_start, date(2026, 11, 1))
        self.assertEqual(subscription.x_fc_plan_id, self.plan)
        # What the record already holds may be written back (forms and native code do).
        as_user.write({"x_fc_usage_start": "2026-11-01", "plan_id": self.plan.id,
                       "note": "checked"})
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.billing_user).create({
                "partner_id": self.partner.id, "x_fc_service_id": self.service.id})

    def test_every_view_shows_the_billing_facts_read_only(self):
        subscription = self._subscription()
        # Enterprise's own form shows the native plan: a view like it is made read-only too.
        self.env["ir.ui.view"].create({
            "name": "native plan on the order form", "model": "sale.order",
            "inherit_id": self.env.ref("sale.view_order_form").id,
            "arch": "<xpath expr=\"//field[@name='partner_id']\" position=\"after\">"
                    "<field name='plan_id'/><field name='x_fc_usage_start'/></xpath>",
        })
        Order = self.env["sale.order"].with_user(self.billing_user)
        for view_type in ("form", "list"):
            arch = etree.fromstring(Order.get_views([(False, view_type)])["views"][view_type]
                                    ["arch"])
            for node in arch.xpath("//field[not(ancestor::field)]"):
                if node.get("name") in SYSTEM_FIELDS:
                    self.assertIn(node.get("readonly"), ("1", "True"), node.get("name"))
            if view_type == "form":
                self.assertEqual(arch.xpath("//field[@name='plan_id']")[0].get("readonly"),
                                 "x_fc_service_id")
        with Form(subscription.with_user(self.billing_user)) as form:
            for name in ("x_fc_usage_start", "x_fc_plan_id", "plan_id", "x_fc_external_id"):
                with self.subTest(field=name), self.assertRaises(AssertionError):
                    setattr(form, name, False)

    def test_moving_the_period_start_back_by_any_path_bills_nothing_twice(self):
        subscription, october = self._october_invoiced()
        october_usage = subscription.x_fc_rated_usage_ids
        with freeze_time("2026-11-24 12:00:00"):
            before = self._usage_now(subscription)
            self.assertEqual(before[1]["from_datetime"], "2026-11-01T00:00:00Z")
            paths = [
                ("the start field, back two weeks", {"x_fc_usage_start": "2026-10-15"}),
                ("the start field, emptied", {"x_fc_usage_start": False}),
                ("the subscription's start", {"start_date": "2026-09-01"}),
            ]
            for path, vals in paths:
                with self.subTest(path=path):
                    subscription.sudo().write(vals)  # the system, or a script run as root
                    self.assertEqual(self._usage_now(subscription), before,
                                     "Usage So Far and the API's current usage count only "
                                     "November")
        # A push into the invoiced October is still refused.
        _results, errors = self.env["fusion.billing.usage"]._ingest(
            self.service, [self._event("late-oct", "api_calls", "7")], now=NOW)
        self.assertEqual(errors, {"0": {"timestamp": ["period_already_billed"]}})
        with freeze_time("2026-12-01 06:00:00"):
            self._rate_by_cron()
            december = self.env["sale.order"]._cron_recurring_create_invoice()
        november = subscription.x_fc_rated_usage_ids - october_usage
        self.assertEqual(set(november.mapped("period_start")), {date(2026, 11, 1)})
        self.assertEqual(set(november.mapped("period_end")), {date(2026, 11, 30)})
        by_metric = {r.metric_id.code: (r.units, r.amount) for r in november}
        self.assertEqual(by_metric["api_calls"], (4, 6.0), "4 calls + 2 flat, not 16 calls")
        self.assertEqual(by_metric["storage"], (20, 3.0), "volume tier 1 on 20 GB, not 150")
        self.assertEqual(by_metric["bandwidth"], (0, 0.0), "October's 1,500 GB not again")
        self.assertEqual(by_metric["seats"], (3, 15.0), "seats carry: billed once a period")
        self.assertEqual(before[0], 6.0 + 3.0 + 15.0, "what Usage So Far said")
        usage_lines = december.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product)
        self.assertEqual(sum(usage_lines.mapped("price_subtotal")), 24.0)
        self.assertEqual(october_usage.invoice_id, october, "October stays on its invoice")


@tagged("post_install", "-at_install")
class TestShadowIsNeverInvoiced(UsageCommon):

    def test_a_shadow_subscription_cannot_be_invoiced_by_hand(self):
        self.service.mode = "shadow"
        order = self._subscription(start="2026-10-01", next_invoice=False)
        self.assertTrue(order.x_fc_shadow)
        for env in (self.env, order.with_user(self.billing_manager).env):
            with self.subTest(user=env.user.name), self.assertRaises(UserError) as caught:
                order.with_env(env)._create_invoices()
            self.assertIn("shadow mode", str(caught.exception))
        # The native Create Invoice dialog, regular invoice and down payment alike.
        for method in ("delivered", "percentage"):
            wizard = self.env["sale.advance.payment.inv"].with_context(
                active_model="sale.order", active_ids=order.ids).create({
                    "advance_payment_method": method, "amount": 10})
            with self.subTest(method=method), self.assertRaises(UserError):
                wizard.create_invoices()
        self.assertFalse(order.invoice_ids)

    def test_the_create_invoice_buttons_are_not_offered_in_shadow(self):
        arch = etree.fromstring(self.env["sale.order"].get_views([(False, "form")])
                                ["views"]["form"]["arch"])
        for button_id in ("create_invoice", "create_invoice_percentage"):
            invisible = arch.xpath(f"//button[@id='{button_id}']")[0].get("invisible")
            self.assertTrue(invisible.endswith(" or (x_fc_shadow)"), invisible)

    def test_a_live_subscription_is_still_invoiced_by_hand(self):
        order = self._subscription()
        with freeze_time("2026-11-02 09:00:00"):
            self.assertTrue(order._create_invoices())
