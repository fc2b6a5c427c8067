# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Which changes queue which webhook, with which object: exactly one per change, built by
the API's own serialisers, in the transaction of the change."""

import json
from datetime import date, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from .webhook_common import WebhookCommon


@tagged("post_install", "-at_install")
class TestWebhookEvents(WebhookCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_max = cls.env["sale.subscription.plan"].create({
            "name": "Max Monthly", "x_fc_plan_code": "max_monthly",
            "x_fc_service_id": cls.service.id,
            "billing_period_value": 1, "billing_period_unit": "month",
        })

    def _body(self, webhook):
        return json.loads(webhook.payload)

    def _events(self):
        return self._webhooks().mapped("event_type")

    def _customer(self, external_id="cust-1", **values):
        return self.env["fusion.billing.account.link"]._fc_api_upsert(
            self.service, {"external_id": external_id, **values})

    def test_customer_created_then_updated_only_for_fields_the_api_shows(self):
        link = self._customer(email="ops@maple.example", name="Maple Ops")
        [created] = self._webhooks("customer.created")
        body = self._body(created)
        self.assertEqual(body["object_type"], "customer")
        self.assertEqual(body["customer"]["external_id"], "cust-1")
        self.assertEqual(body["customer"]["lago_id"], link.lago_id)
        self.assertEqual(body["customer"]["email"], "ops@maple.example")

        self._customer(city="Halifax")
        [updated] = self._webhooks("customer.updated")
        self.assertEqual(self._body(updated)["customer"]["city"], "Halifax")
        link.partner_id.comment = "called about HST"
        self.assertEqual(len(self._webhooks("customer.updated")), 1,
                         "a field the API does not show is not news")

    def test_one_partner_in_two_services_tells_each_service_of_its_own_customer(self):
        other = self._create_service(name="NexaDesk", code="testdesk", mode="live")
        mine = self._customer(email="same@client.example")
        theirs = self.env["fusion.billing.account.link"]._fc_api_upsert(
            other, {"external_id": "desk-9", "email": "SAME@client.example"})
        self.assertEqual(mine.partner_id, theirs.partner_id)
        # NexaDesk spelled the email its own way: that is news for NexaCloud too.
        self.assertEqual(len(self._webhooks("customer.updated")), 1)
        mine.partner_id.phone = "+1 902 555 0100"
        ours = self._webhooks("customer.updated")[-1]
        [their] = self._webhooks("customer.updated", service=other)
        self.assertEqual(self._body(ours)["customer"]["external_id"], "cust-1")
        self.assertEqual(self._body(their)["customer"]["external_id"], "desk-9")
        self.assertEqual(self._body(their)["organization_id"], other.lago_id)

    def test_subscription_started_updated_terminated(self):
        self._customer()
        Order = self.env["sale.order"]
        today = Order._fc_today_for(self.service)
        order = Order._fc_api_subscribe(self.service, {
            "external_id": "sub-9", "external_customer_id": "cust-1",
            "plan_code": "pro_monthly"}, today)
        [started] = self._webhooks("subscription.started")
        body = self._body(started)["subscription"]
        self.assertEqual((body["external_id"], body["plan_code"], body["status"]),
                         ("sub-9", "pro_monthly", "active"))
        # The same subscription again is not news; another plan is.
        Order._fc_api_subscribe(self.service, {
            "external_id": "sub-9", "external_customer_id": "cust-1",
            "plan_code": "pro_monthly"}, today)
        self.assertFalse(self._webhooks("subscription.updated"))
        Order._fc_api_subscribe(self.service, {
            "external_id": "sub-9", "external_customer_id": "cust-1",
            "plan_code": "max_monthly"}, today)
        [updated] = self._webhooks("subscription.updated")
        body = self._body(updated)["subscription"]
        self.assertEqual((body["plan_code"], body["previous_plan_code"]),
                         ("max_monthly", "pro_monthly"))

        order._fc_api_update({"ending_at": today + timedelta(days=30)})
        self.assertEqual(len(self._webhooks("subscription.updated")), 2)
        order._fc_api_terminate()
        [terminated] = self._webhooks("subscription.terminated")
        self.assertEqual(self._body(terminated)["subscription"]["ending_at"], today.isoformat())
        self.assertEqual(self._events().count("subscription.started"), 1)

    def test_native_invoice_of_usage_announces_its_usage_fees(self):
        subscription = self._subscription()
        self._push([self._event("calls-a", "api_calls", "15")])
        with freeze_time("2026-11-02 09:00:00"):
            invoice = subscription._create_invoices()
            invoice.action_post()
        [created] = self._webhooks("invoice.created")
        body = self._body(created)["invoice"]
        self.assertEqual(body["lago_id"], invoice.x_fc_lago_id)
        fees = {fee["item"]["name"]: fee["amount_cents"] for fee in body["fees"]}
        usage = [name for name in fees if name.startswith("api_calls")]
        self.assertEqual(len(usage), 1)
        # 15 calls, graduated: 10 x 1 + 2 flat + 5 x 1 = CAD 17.
        self.assertEqual(fees[usage[0]], 1700)
        rated = subscription.x_fc_rated_usage_ids.filtered(lambda r: r.metric_id == self.calls)
        self.assertEqual(usage[0], rated.name, "the app reads the invoice's own text")
        self.assertEqual(rated.invoice_line_id.name, rated.name)
        # The plan line, the calls, and the storage charge's first volume tier, whose flat
        # fee applies at 0 GB (Lago's rule for volume ranges).
        self.assertEqual(body["total_amount_cents"], 4900 + 1700 + 100, fees)

    def _posted_invoice(self, amount=100.0, external_id="sub-inv"):
        subscription = self._subscription(external_id=external_id)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.partner.id,
            "x_fc_service_id": self.service.id, "x_fc_subscription_id": subscription.id,
            "invoice_line_ids": [Command.create({
                "product_id": self.base_product.id, "quantity": 1, "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
        })
        invoice.action_post()
        return invoice

    def test_payment_announces_the_new_payment_status_once_at_commit(self):
        invoice = self._posted_invoice()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"payment_date": date(2026, 11, 20)})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.env.cr.flush()  # what commit runs: the precommit hooks
        [updated] = self._webhooks("invoice.payment_status_updated")
        self.assertEqual(self._body(updated)["invoice"]["payment_status"], "succeeded")
        self.env.cr.flush()
        self.assertEqual(len(self._webhooks("invoice.payment_status_updated")), 1)

    def test_a_failed_card_payment_sends_payment_failure_and_failed_status(self):
        invoice = self._posted_invoice()
        provider = self.env.ref("payment.payment_provider_stripe")
        method = self.env.ref("payment.payment_method_card")
        transaction = self.env["payment.transaction"].create({
            "provider_id": provider.id, "payment_method_id": method.id,
            "partner_id": self.partner.id, "amount": 100.0,
            "currency_id": invoice.currency_id.id, "operation": "offline",
            "invoice_ids": [Command.set(invoice.ids)],
        })
        transaction._set_error("Your card was declined.")
        [failure] = self._webhooks("invoice.payment_failure")
        body = self._body(failure)
        self.assertEqual(body["object_type"], "payment_provider_invoice_payment_error")
        error = body["payment_provider_invoice_payment_error"]
        self.assertEqual(error["lago_invoice_id"], invoice.x_fc_lago_id)
        self.assertEqual(error["provider_error"]["message"], "Your card was declined.")
        self.env.cr.flush()
        [updated] = self._webhooks("invoice.payment_status_updated")
        self.assertEqual(self._body(updated)["invoice"]["payment_status"], "failed")
        # The API's payment_status filter finds it as failed, and no longer as pending.
        Move = self.env["account.move"]
        self.assertIn(invoice, Move.search(Move._fc_payment_status_domain("failed")))
        self.assertNotIn(invoice, Move.search(Move._fc_payment_status_domain("pending")))

    def test_cancelling_a_posted_invoice_voids_it_and_a_credit_note_is_announced(self):
        invoice = self._posted_invoice()
        reversal = invoice._reverse_moves()
        reversal.action_post()
        [credit] = self._webhooks("credit_note.created")
        body = self._body(credit)["credit_note"]
        self.assertEqual(body["lago_invoice_id"], invoice.x_fc_lago_id)
        self.assertEqual(body["total_amount_cents"], 10000)
        self.assertEqual(reversal.x_fc_service_id, self.service)

        other = self._posted_invoice(amount=30.0, external_id="sub-other")
        other.button_cancel()
        [voided] = self._webhooks("invoice.voided")
        self.assertEqual(self._body(voided)["invoice"]["status"], "voided")
        self.assertEqual(self._body(voided)["invoice"]["lago_id"], other.x_fc_lago_id)
