# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Change Plan: an administrator's explicit action, said before it is done, tracked in
the chatter and announced to the app, exactly as the API's plan change."""

import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

from .usage_common import UsageCommon


@tagged("post_install", "-at_install")
class TestChangePlan(UsageCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.yearly = cls._create_plan("pro_yearly", name="Pro Yearly")
        cls._create_charge(plan_id=cls.yearly.id, metric_id=cls.calls.id,
                           properties={"amount": "0.5"})

    def _tracked(self, order, field):
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit
        return self.env["mail.tracking.value"].search([
            ("mail_message_id.model", "=", "sale.order"),
            ("mail_message_id.res_id", "=", order.id), ("field_id.name", "=", field)])

    def _open(self, order, user):
        action = order.with_user(user).action_fc_change_plan()
        return Form(self.env[action["res_model"]].with_user(user)
                    .with_context(**action["context"]))

    def test_an_administrator_changes_the_plan_and_everyone_is_told(self):
        order = self._subscription(next_invoice="2026-12-01")
        self.env.flush_all()
        self.env.cr.precommit.run()
        Webhook = self.env["fusion.billing.webhook"]
        queued = Webhook.search([("res_id", "=", order.id), ("res_model", "=", "sale.order")])
        with freeze_time("2026-11-10 12:00:00"):
            with self._open(order, self.billing_manager) as wizard:
                wizard.plan_id = self.yearly
                effect = str(wizard.effect)
                self.assertIn("takes effect at once", effect)
                self.assertIn("rated with the charges of Pro Yearly", effect)
                self.assertIn("on the invoice", effect)
                self.assertIn("does not charge", effect, "the metrics the new plan drops")
                self.assertIn("storage", effect)
            wizard.save().action_apply()
        self.assertEqual(order.x_fc_plan_id, self.yearly)
        self.assertEqual(order.x_fc_previous_plan_id, self.plan)
        self.assertEqual(order.plan_id, self.yearly, "live: the native plan follows")
        tracked = self._tracked(order, "x_fc_plan_id")
        self.assertEqual((tracked.old_value_char, tracked.new_value_char),
                         ("Pro Monthly", "Pro Yearly"))
        self.assertTrue(any("Plan changed from Pro Monthly to Pro Yearly with Change Plan" in body
                            for body in order.message_ids.mapped("body")))
        updated = Webhook.search([("res_id", "=", order.id), ("res_model", "=", "sale.order"),
                                  ("event_type", "=", "subscription.updated")]) - queued
        self.assertEqual(len(updated), 1)
        body = json.loads(updated.payload)["subscription"]
        self.assertEqual((body["plan_code"], body["previous_plan_code"]),
                         ("pro_yearly", "pro_monthly"))

    def test_the_api_and_the_back_end_change_a_plan_the_same_way(self):
        by_api = self._subscription(external_id="sub-api")
        by_hand = self._subscription(external_id="sub-hand")
        link = self.env["fusion.billing.account.link"].create({
            "service_id": self.service.id, "external_id": "cus-1",
            "partner_id": self.partner.id})
        by_api.sudo().x_fc_account_link_id = link
        self.env["sale.order"]._fc_api_subscribe(self.service, {
            "external_customer_id": "cus-1", "plan_code": "pro_yearly",
            "external_id": "sub-api"}, None)
        by_hand._fc_change_plan(self.yearly)
        fields = ["x_fc_plan_id", "x_fc_previous_plan_id", "plan_id", "x_fc_usage_end"]
        self.assertEqual(by_api.read(fields)[0] | {"id": 0},
                         by_hand.read(fields)[0] | {"id": 0})

    def test_a_billing_user_cannot_change_a_plan(self):
        order = self._subscription()
        with self.assertRaises(UserError):
            order.with_user(self.billing_user).action_fc_change_plan()
        with self.assertRaises(AccessError):
            self.env["fusion.billing.change.plan"].with_user(self.billing_user).create({
                "subscription_id": order.id, "plan_id": self.yearly.id})
        with self.assertRaises(UserError):
            order.with_user(self.billing_user).write({"x_fc_plan_id": self.yearly.id})
        self.assertEqual(order.x_fc_plan_id, self.plan)

    def test_a_shadow_subscription_s_period_follows_the_new_cycle(self):
        self.service.mode = "shadow"
        order = self._subscription(start="2026-10-01", next_invoice=False)
        self.assertEqual(str(order.x_fc_usage_end), "2026-11-01")
        with self._open(order, self.billing_manager) as wizard:
            wizard.plan_id = self.yearly
            effect = str(wizard.effect)
        self.assertIn("reconciliation only", effect)
        wizard.save().action_apply()
        self.assertFalse(order.plan_id, "shadow: still no native plan")
        self.assertEqual(str(order.x_fc_usage_end), "2027-10-01")
