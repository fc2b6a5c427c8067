# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The smaller things of the back end that made figures misread: one end date for the
open period, what the open period's usage goes to, plural units, the plan's included
quantity, "and above", URL paths, the webhook list, Replay, Archive and the CSV columns."""

from datetime import date

from lxml import etree

from odoo.tests import freeze_time, tagged

from .usage_common import UsageCommon


@tagged("post_install", "-at_install")
class TestBackendDetails(UsageCommon):

    def test_the_metered_billing_tab_says_one_thing_once(self):
        self.calls.unit_name = "call"
        order = self._subscription(next_invoice="2026-12-01")
        self._push([self._event("bw", "bandwidth", "45", at="2026-11-03T10:00:00Z"),
                    self._event("c1", "api_calls", "1", at="2026-11-03T10:00:00Z")])
        with freeze_time("2026-11-24 12:00:00"):
            order.invalidate_recordset()
            usage = order._fc_current_usage()
            self.assertEqual(order.x_fc_usage_last_day, date(2026, 11, 30))
            self.assertEqual(usage["to"], order.x_fc_usage_last_day, "one end date")
            html = str(order.x_fc_current_usage)
        self.assertIn("10/01/2026 to 11/30/2026", html)
        self.assertIn("1,000 GB", html, "the plan includes 1,000 GB, whatever is used")
        self.assertIn("1 call", html)
        self.assertEqual(order.x_fc_usage_destination, "The invoice, when it closes")
        self.assertEqual(order._fields["x_fc_usage_billed"].string, "Goes on an Invoice")
        order._fc_rate_closed_periods(date(2026, 12, 1))
        calls = order.x_fc_rated_usage_ids.filtered(lambda r: r.metric_id == self.calls)
        self.assertEqual((calls.units_label, calls.unit_label), ("1 call", "call"))
        storage = order.x_fc_rated_usage_ids.filtered(lambda r: r.metric_id == self.storage)
        self.assertEqual(storage.units_label, "0 GB")
        self.assertEqual(calls.period_label, "10/01/2026 to 11/30/2026")
        self.assertEqual(order.x_fc_usage_ids.filtered(
            lambda u: u.metric_id == self.bandwidth).unit_label, "GB")

    def test_actions_have_paths_and_the_tier_list_reads_and_above(self):
        for xmlid, path in (("action_sale_subscription_plan_fusion_billing", "billing-plans"),
                            ("action_fusion_billing_metric", "billing-metrics")):
            self.assertEqual(self.env.ref(f"fusion_centralize_billing.{xmlid}").path, path)
        arch = self.env["fusion.billing.charge"].get_views([(False, "form")])["views"][
            "form"]["arch"]
        self.assertIn('name="to_value" widget="fc_tier_to"', arch)

    def test_the_webhook_list_says_who_and_what_and_replay_asks_first(self):
        order = self._subscription()
        webhook = self.env["fusion.billing.webhook"].search([
            ("res_model", "=", "sale.order"), ("res_id", "=", order.id)], limit=1)
        self.assertEqual(webhook.partner_id, self.partner)
        self.assertEqual(webhook.res_name, order.display_name)
        views = self.env["fusion.billing.webhook"].get_views([(False, "list"), (False, "form")])
        listing = etree.fromstring(views["views"]["list"]["arch"])
        self.assertTrue(listing.xpath("//field[@name='partner_id']"))
        self.assertTrue(listing.xpath("//field[@name='res_name']"))
        self.assertTrue(listing.xpath("//header/button[@name='action_replay'][@confirm]"))
        form = etree.fromstring(views["views"]["form"]["arch"])
        delivered = [button for button in form.xpath("//button[@name='action_replay']")
                     if button.get("invisible") == "state != 'succeeded'"]
        self.assertTrue(delivered and delivered[0].get("confirm"))

    def test_finance_is_not_offered_archive_on_a_service(self):
        Service = self.env["fusion.billing.service"]
        self.assertTrue(Service.with_user(self.billing_user).fields_get(
            ["active"])["active"]["readonly"])
        self.assertFalse(Service.with_user(self.billing_manager).fields_get(
            ["active"])["active"].get("readonly"))

    def test_the_import_says_which_csv_columns_it_expects(self):
        wizard = self.env["fusion.billing.import.wizard"].with_user(self.billing_manager).new(
            {"source_type": "csv"})
        html = str(wizard.csv_columns)
        self.assertIn("id,email,name,stripe_customer_id", html)
        self.assertIn("code,monthly_price,yearly_price", html)
        self.assertIn("id,customer_id,plan_code,billing_cycle,status", html)

    def test_going_live_discards_the_held_webhooks_with_a_trace(self):
        self.service.mode = "shadow"
        order = self._subscription(next_invoice=False)
        held = self.env["fusion.billing.webhook"].search([("service_id", "=", self.service.id)])
        self.assertEqual(set(held.mapped("state")), {"held"})
        self.assertIn("Going live does not send held webhooks", held[0].last_error)
        with freeze_time("2026-11-24 12:00:00"):
            self.service.with_user(self.billing_manager)._fc_go_live(
                reason="tested alone: no dual run here")
        self.assertEqual(set(held.mapped("state")), {"discarded"})
        self.assertIn("Discarded at go-live on 2026-11-24", held[0].last_error)
        self.assertIn(f"{len(held)} webhooks held in shadow mode were discarded",
                      "".join(self.service.message_ids[:2].mapped("body")))
        held[0].with_user(self.billing_manager).action_replay()
        self.assertEqual(held[0].state, "pending", "an administrator may still send one")
        self.assertTrue(order.plan_id)
