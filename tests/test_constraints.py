# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FusionBillingCommon


@tagged("post_install", "-at_install")
class TestConstraints(FusionBillingCommon):

    def assertRejectedByDatabase(self, create):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            create()

    def test_service_code_is_unique_per_company(self):
        self.assertRejectedByDatabase(lambda: self._create_service(code="testcloud"))
        other = self.env["res.company"].create({"name": "NexaSystems US"})
        twin = self._create_service(code="testcloud", company_id=other.id)
        self.assertEqual(twin.code, "testcloud")

    def test_new_service_starts_in_shadow_with_a_generated_secret(self):
        service = self._create_service(code="testdesk")
        self.assertEqual(service.mode, "shadow")
        self.assertRegex(service.webhook_secret, r"^whsec_[A-Za-z0-9+/]{43}=$")
        self.assertNotEqual(service.webhook_secret, self.service.webhook_secret)

    def test_copied_service_gets_its_own_secret_and_starts_in_shadow(self):
        self.service._fc_go_live(reason="a copy of a live service starts in shadow")
        copy = self.service.copy({"code": "testcloud_copy"})
        self.assertEqual(copy.mode, "shadow")
        self.assertTrue(copy.webhook_secret)
        self.assertNotEqual(copy.webhook_secret, self.service.webhook_secret)

    def test_account_link_external_id_is_unique_per_service(self):
        Link = self.env["fusion.billing.account.link"]
        Link.create({"service_id": self.service.id, "external_id": "cus_1",
                     "partner_id": self.partner.id})
        self.assertRejectedByDatabase(lambda: Link.create({
            "service_id": self.service.id, "external_id": "cus_1", "partner_id": self.partner.id,
        }))
        other = self._create_service(code="testdesk")
        link = Link.create({"service_id": other.id, "external_id": "cus_1",
                            "partner_id": self.partner.id})
        self.assertEqual(link.partner_id, self.partner, "one client, one partner, two services")

    def test_partner_is_found_by_email_case_insensitively(self):
        Link = self.env["fusion.billing.account.link"]
        self.assertEqual(
            Link._find_partner_by_email("  billing@mapleleaf.EXAMPLE ", self.company), self.partner
        )
        # "_" and "%" are not wildcards: an unescaped "_" would match the final "e"
        self.assertFalse(Link._find_partner_by_email("billing@mapleleaf.exampl_", self.company))
        self.assertFalse(Link._find_partner_by_email("billing@%", self.company))
        self.assertFalse(Link._find_partner_by_email("", self.company))

    def test_metric_code_is_unique_per_service(self):
        self.assertRejectedByDatabase(lambda: self._create_metric(self.service, code="storage_gb"))
        other = self._create_service(code="testdesk")
        self.assertTrue(self._create_metric(other, code="storage_gb"))

    def test_only_sum_and_unique_metrics_can_be_recurring(self):
        self.assertTrue(self._create_metric(self.service, code="seats", recurring=True))
        with self.assertRaises(ValidationError) as error:
            self._create_metric(self.service, code="peak", aggregation="max", recurring=True)
        self.assertIn("recurring: recurring_not_allowed", str(error.exception))

    def test_a_metric_is_charged_once_per_plan(self):
        self._create_charge()
        self.assertRejectedByDatabase(self._create_charge)

    def test_included_quantity_cannot_be_negative(self):
        self.assertRejectedByDatabase(lambda: self._create_charge(included_quantity=-1))

    def test_usage_transaction_id_is_unique_per_subscription_of_a_service(self):
        self._create_usage(transaction_id="tx-42")
        self.assertRejectedByDatabase(lambda: self._create_usage(transaction_id="tx-42"))
        # Apps reuse one transaction id per window for every subscription (Lago's key).
        self.assertTrue(self._create_usage(transaction_id="tx-42", external_subscription_id="s2"))
        other = self._create_service(code="testdesk")
        metric = self._create_metric(other, code="storage_gb")
        self.assertTrue(self._create_usage(
            transaction_id="tx-42", service_id=other.id, metric_id=metric.id))

    def test_usage_quantity_is_negative_only_for_recurring_sums(self):
        with self.assertRaises(ValidationError):
            self._create_usage(quantity=-0.5)
        seats = self._create_metric(self.service, code="seats", recurring=True)
        delta = self._create_usage(transaction_id="tx-seats", metric_id=seats.id, quantity=-1)
        self.assertEqual(delta.quantity, -1)

    def test_rated_usage_is_frozen(self):
        usage = self._create_usage()
        usage.state = "rated"
        with self.assertRaises(UserError):
            usage.quantity = 6
        with self.assertRaises(UserError):
            usage.unlink()
        pushed = self._create_usage(transaction_id="tx-2")
        pushed.quantity = 7
        pushed.unlink()

    def test_plan_code_is_unique_per_service(self):
        Plan = self.env["sale.subscription.plan"]
        self.assertRejectedByDatabase(lambda: Plan.create({
            "name": "Again", "x_fc_plan_code": "pro_monthly", "x_fc_service_id": self.service.id}))
        other = self._create_service(code="testdesk")
        self.assertTrue(Plan.create({
            "name": "Desk Pro", "x_fc_plan_code": "pro_monthly", "x_fc_service_id": other.id}))
        self.assertTrue(Plan.create({"name": "Uncoded A"}) | Plan.create({"name": "Uncoded B"}))
        with self.assertRaises(ValidationError):
            Plan.create({"name": "Coded, no service", "x_fc_plan_code": "orphan"})

    def test_a_charge_prices_a_metric_of_the_plans_service(self):
        other = self._create_service(code="testdesk")
        metric = self._create_metric(other, code="tickets")
        with self.assertRaises(ValidationError):
            self._create_charge(metric_id=metric.id)

    def test_subscription_external_id_is_unique_per_service(self):
        SaleOrder = self.env["sale.order"]
        values = {"partner_id": self.partner.id, "plan_id": self.plan.id,
                  "x_fc_service_id": self.service.id, "x_fc_external_id": "sub_1"}
        first = SaleOrder.create(values)
        self.assertTrue(first.x_fc_shadow, "a shadow service's subscriptions are shadow")
        self.assertRejectedByDatabase(lambda: SaleOrder.create(values))

    def test_going_live_clears_the_shadow_flag_of_subscriptions(self):
        order = self.env["sale.order"].create({
            "partner_id": self.partner.id, "plan_id": self.plan.id,
            "x_fc_service_id": self.service.id, "x_fc_external_id": "sub_live",
        })
        self.service.with_user(self.billing_manager)._fc_go_live(reason="no dual run here")
        self.assertFalse(order.x_fc_shadow)
        self.service.with_user(self.billing_manager).action_set_shadow()
        self.assertTrue(order.x_fc_shadow)

    def test_webhook_id_is_unique_and_replay_keeps_it(self):
        Webhook = self.env["fusion.billing.webhook"]
        hook = Webhook.create({"service_id": self.service.id, "event_type": "invoice.created",
                               "payload": "{}", "state": "dead", "attempt_count": 8})
        self.assertRejectedByDatabase(lambda: Webhook.create({
            "service_id": self.service.id, "event_type": "invoice.created",
            "webhook_uuid": hook.webhook_uuid}))
        uuid_before = hook.webhook_uuid
        self.service.mode = "live"  # a shadow service's webhooks are held, not replayed
        hook.action_replay()
        self.assertEqual((hook.state, hook.attempt_count, hook.webhook_uuid),
                         ("pending", 0, uuid_before))

    def test_reconciliation_line_is_unique_and_states_follow_the_difference(self):
        Line = self.env["fusion.billing.reconciliation"]
        values = {"service_id": self.service.id, "partner_id": self.partner.id,
                  "period_start": "2026-10-01", "period_end": "2026-10-31",
                  "odoo_amount": 120.00}
        line = Line.create(values)
        self.assertEqual(line.state, "missing_app")
        line.write({"app_amount": 120.01, "app_reported": True})
        self.assertEqual((line.state, line.difference), ("matched", -0.01))
        line.app_amount = 119.50
        self.assertEqual((line.state, line.difference), ("mismatch", 0.5))
        self.assertRejectedByDatabase(lambda: Line.create(values))
        per_metric = Line.create({**values, "metric_id": self.metric.id})
        self.assertEqual((per_metric.state, per_metric.metric_code), ("missing_app", "storage_gb"))
