# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Shadow mode: rated for reconciliation, invisible to native billing; go live, go back."""

from datetime import date
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .usage_common import UsageCommon

D = Decimal


@tagged("post_install", "-at_install")
class TestUsageShadow(UsageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service.mode = "shadow"

    def _customer_traffic(self):
        return (
            self.env["account.move"].search_count([("partner_id", "=", self.partner.id)]),
            self.env["payment.transaction"].search_count([("partner_id", "=", self.partner.id)]),
            self.env["mail.mail"].search_count([("recipient_ids", "in", self.partner.ids)]),
            self.env["mail.message"].search_count([
                ("partner_ids", "in", self.partner.ids), ("message_type", "!=", "notification"),
            ]),
        )

    def test_shadow_subscription_is_invisible_to_native_billing(self):
        before = self._customer_traffic()
        subscription = self._subscription()
        self.assertFalse(subscription.plan_id, "no native plan while in shadow")
        self.assertFalse(subscription.is_subscription)
        self.assertEqual(subscription.x_fc_plan_id, self.plan)
        self._push([
            self._event("c-1", "api_calls", "15"),
            self._event("gb-1", "storage", "120.5"),
        ])
        with freeze_time("2026-11-02 06:00:00"):
            self._rate_by_cron()
            self.assertFalse(self.env["sale.order"]._cron_recurring_create_invoice())
            subscription.plan_id = self.plan  # someone sets it by hand...
            subscription.write({"x_fc_plan_id": self.plan.id})  # ...a re-run re-asserts it
            self.assertFalse(subscription.plan_id)
            self.assertFalse(self.env["sale.order"]._cron_recurring_create_invoice())
        self.assertEqual(self._customer_traffic(), before)

        rated = subscription.x_fc_rated_usage_ids
        self.assertEqual(set(rated.mapped("state")), {"shadow"})
        self.assertFalse(rated.invoice_line_id)
        lines = self.env["fusion.billing.reconciliation"].search(
            [("subscription_id", "=", subscription.id)])
        amounts = {line.metric_id.code or "total": D(str(line.odoo_amount)) for line in lines}
        self.assertEqual(amounts["api_calls"], D("17.00"))
        self.assertEqual(amounts["storage"], D("6.03"))
        # The period's whole bill: the plan's fee (49) and the usage.
        self.assertEqual(amounts["total"], D("72.03"))
        self.assertEqual(set(lines.mapped("period_start")), {date(2026, 10, 1)})
        self.assertEqual(set(lines.mapped("period_end")), {date(2026, 10, 31)})
        self.assertEqual(set(lines.mapped("state")), {"missing_app"})

    def test_recurring_seats_over_three_shadow_periods(self):
        subscription = self._subscription(start="2026-08-01", next_invoice=False)
        self._push([
            self._event("seats-aug", "seats", "3", at="2026-08-05T00:00:00Z"),
            self._event("seats-sep-a", "seats", "2", at="2026-09-03T00:00:00Z"),
            self._event("seats-sep-b", "seats", "-1", at="2026-09-20T00:00:00Z"),
        ])
        with freeze_time("2026-11-02 06:00:00"):
            self._rate_by_cron()
        seats = subscription.x_fc_rated_usage_ids.filtered(
            lambda r: r.metric_id == self.seats).sorted("period_start")
        self.assertEqual(
            [(r.period_start, r.units, r.amount) for r in seats],
            [(date(2026, 8, 1), 3, 15.0), (date(2026, 9, 1), 4, 20.0),
             (date(2026, 10, 1), 4, 20.0)],
        )
        self.assertEqual(subscription.x_fc_usage_start, date(2026, 11, 1))
        self.assertEqual(subscription.x_fc_usage_end, date(2026, 12, 1))

    def test_go_live_hands_over_from_the_next_period_and_back(self):
        subscription = self._subscription(start="2026-10-15", next_invoice=False)
        with freeze_time("2026-11-20 12:00:00"):
            self.service.with_user(self.billing_manager)._fc_go_live(reason="tested alone")
        self.assertEqual(subscription.plan_id, self.plan)
        self.assertTrue(subscription.is_subscription)
        self.assertEqual(subscription.next_invoice_date, date(2026, 12, 15))
        self.assertEqual(subscription.x_fc_live_from, date(2026, 12, 15))
        # The period the app still bills is rated for reconciliation only.
        self.assertEqual((subscription.x_fc_usage_end, subscription.x_fc_usage_billed),
                         (date(2026, 11, 15), False))
        self._push([self._event("c-1", "api_calls", "3", at="2026-11-01T00:00:00Z")])
        with freeze_time("2026-11-20 13:00:00"):
            self._rate_by_cron()
        self.assertEqual(set(subscription.x_fc_rated_usage_ids.mapped("state")), {"shadow"})
        with freeze_time("2026-12-15 06:00:00"):
            self._rate_by_cron()
            self.assertFalse(subscription.x_fc_rated_usage_ids.filtered(
                lambda r: r.state in ("to_invoice", "invoiced")))
            invoice = self.env["sale.order"]._cron_recurring_create_invoice()
        self.assertEqual(invoice.invoice_line_ids.product_id, self.base_product,
                         "the first live invoice bills the plan; usage comes a period later")
        self.assertEqual((subscription.x_fc_usage_start, subscription.x_fc_usage_end,
                          subscription.x_fc_usage_billed),
                         (date(2026, 12, 15), date(2027, 1, 15), True))

        # Native Odoo has billed it: going back would bill customers twice.
        with self.assertRaisesRegex(UserError, "cannot go back to shadow"):
            self.service.with_user(self.billing_manager).action_set_shadow()
        self.assertEqual(subscription.plan_id, self.plan)
        self.assertTrue(subscription.x_fc_usage_billed)
