# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Webhook delivery against a real HTTP receiver on loopback: signatures, the outbox,
retries on schedule, 410, dead letter, replay, shadow mode and endpoint checks."""

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from odoo.addons.fusion_centralize_billing.engine import webhooks

from .webhook_common import ALLOW_PRIVATE, WebhookCommon

REPO = Path(__file__).resolve().parents[1]


@tagged("post_install", "-at_install")
class TestWebhookDelivery(WebhookCommon):
    def _invoice(self, amount=49.0):
        """A posted invoice of the service's subscription, as native invoicing makes it."""
        subscription = self._subscription()
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.partner.id,
            "x_fc_service_id": self.service.id, "x_fc_subscription_id": subscription.id,
            "invoice_line_ids": [fields.Command.create({
                "product_id": self.base_product.id, "quantity": 1, "price_unit": amount,
                "tax_ids": [fields.Command.clear()],
            })],
        })
        invoice.action_post()
        return invoice

    def _verify_with_standard_webhooks(self, requests, secret=None):
        python = REPO / ".venv" / "bin" / "python"
        if not python.exists():
            self.fail(f"{python} is missing: run `bash tools/test.sh` first (CI does)")
        run = subprocess.run(
            [str(python), str(REPO / "tests" / "clients" / "verify_standard_webhooks.py")],
            input=json.dumps({"secret": secret or self.secret, "deliveries": [
                {"headers": r["headers"], "body": r["body"]} for r in requests]}),
            capture_output=True, text=True, timeout=60, check=False,
        )
        self.assertEqual(run.returncode, 0, run.stderr)
        return run.stdout.splitlines()

    def test_a_posted_invoice_sends_exactly_one_signed_invoice_created(self):
        invoice = self._invoice()
        created = self._webhooks("invoice.created")
        self.assertEqual(len(created), 1)
        # Posting again after a reset to draft is not a new invoice.
        invoice.button_draft()
        invoice.action_post()
        self.assertEqual(len(self._webhooks("invoice.created")), 1)

        self.assertEqual(self._drain(), len(self._webhooks()))
        [request] = [r for r in self.receiver.requests
                     if r["headers"]["webhook-id"] == created.webhook_uuid]
        body = json.loads(request["body"])
        self.assertEqual(body["webhook_type"], "invoice.created")
        self.assertEqual(body["object_type"], "invoice")
        self.assertEqual(body["organization_id"], self.service.lago_id)
        self.assertEqual(body["invoice"]["lago_id"], invoice.x_fc_lago_id)
        self.assertEqual(body["invoice"]["status"], "finalized")
        self.assertEqual(body["invoice"]["total_amount_cents"], 4900)
        self.assertEqual(body["invoice"]["currency"], invoice.currency_id.name)
        self.assertEqual(request["body"], created.payload, "the stored body is what is sent")
        headers = request["headers"]
        self.assertEqual(headers["X-Lago-Unique-Key"], created.webhook_uuid)
        self.assertEqual(headers["X-Lago-Signature-Algorithm"], "hmac")
        self.assertTrue(self._lago_signature_valid(request))
        self.assertEqual(self._verify_with_standard_webhooks([request]),
                         ["verified invoice.created"])
        # A tampered body fails both checks.
        forged = dict(request, body=request["body"].replace("4900", "490"))
        self.assertFalse(self._lago_signature_valid(forged))
        self.assertTrue(self._verify_with_standard_webhooks([forged])[0].startswith("refused"))

        created.invalidate_recordset()
        self.assertEqual(created.state, "succeeded")
        self.assertEqual(created.attempt_count, 1)
        self.assertEqual(created.attempt_ids.http_status, 200)
        self.assertEqual(created.attempt_ids.outcome, "succeeded")

    def test_a_rolled_back_change_queues_nothing(self):
        before = len(self._webhooks())
        with self.assertRaises(ZeroDivisionError), self.env.cr.savepoint():
            self._invoice()
            self.assertGreater(len(self._webhooks()), before)
            _fails_after_posting = 1 / 0
        self.assertEqual(len(self._webhooks()), before)
        self._drain()
        self.assertEqual(self.receiver.requests, [])

    def test_failures_retry_on_schedule_with_retry_after(self):
        self._invoice()
        webhook = self._webhooks("invoice.created")
        others = self._webhooks() - webhook
        others.write({"state": "succeeded"})
        start = datetime(2026, 11, 29, 10, 0, 0)
        # 500, then a timeout, then 429 asking for 10 minutes, then 200.
        self.receiver.answer(500, (200, {}, 2), (429, {"Retry-After": "600"}, 0), 200)
        with freeze_time(start) as frozen, patch.object(webhooks, "READ_TIMEOUT", 0.5), \
                patch("random.random", return_value=0.0):
            webhook.sudo().next_attempt_date = start
            self.assertEqual(self._drain(), 1)
            webhook.invalidate_recordset()
            self.assertEqual((webhook.state, webhook.attempt_count, webhook.last_http_status),
                             ("retrying", 1, 500))
            self.assertEqual(webhook.next_attempt_date, start + timedelta(seconds=5))

            frozen.tick(timedelta(seconds=4))
            self.assertEqual(self._drain(), 0, "not due yet")
            frozen.tick(timedelta(seconds=1))
            self.assertEqual(self._drain(), 1)
            webhook.invalidate_recordset()
            self.assertEqual(webhook.attempt_count, 2)
            self.assertFalse(webhook.last_http_status, "a timeout has no status")
            self.assertIn("Timeout", webhook.last_error)
            self.assertEqual(webhook.next_attempt_date, start + timedelta(seconds=5 + 300))

            frozen.tick(timedelta(seconds=300))
            self.assertEqual(self._drain(), 1)
            webhook.invalidate_recordset()
            self.assertEqual(webhook.last_http_status, 429)
            # The schedule says 30 min; the receiver asked for 10: the longer wins.
            self.assertEqual(webhook.next_attempt_date, start + timedelta(seconds=305 + 1800))

            frozen.tick(timedelta(seconds=1800))
            self.assertEqual(self._drain(), 1)
        webhook.invalidate_recordset()
        self.assertEqual(webhook.state, "succeeded")
        self.assertEqual(webhook.attempt_ids.sorted("id").mapped("http_status"),
                         [500, 0, 429, 200])
        self.assertEqual(len(set(self.receiver.ids())), 1, "one webhook id on every attempt")

    def test_a_retry_after_longer_than_the_schedule_is_honoured(self):
        webhook = self._test_event()
        self.receiver.answer((503, {"Retry-After": "7200"}, 0))
        start = datetime(2026, 11, 29, 10, 0, 0)
        with freeze_time(start):
            webhook.sudo().next_attempt_date = start
            self._drain()
        webhook.invalidate_recordset()
        self.assertEqual(webhook.next_attempt_date, start + timedelta(hours=2))

    def _test_event(self):
        self.service.with_user(self.billing_manager).action_send_test_webhook()
        return self._webhooks("webhook.test")[-1]

    def test_gone_disables_the_endpoint_and_tells_the_administrators(self):
        first = self._test_event()
        self.receiver.answer(410)
        self.assertEqual(self._drain(), 1)
        self.assertTrue(self.service.webhook_disabled_date)
        message = self.service.message_ids[0]
        self.assertIn("410 Gone", message.body)
        self.assertIn(self.billing_manager.partner_id, message.partner_ids)
        second = self._test_event()
        self.assertEqual(self._drain(), 0, "nothing is sent once the app said gone")
        self.assertEqual((first | second).mapped("state"), ["retrying", "pending"])
        self.assertEqual(len(self.receiver.requests), 1)

        self.service.with_user(self.billing_manager).action_enable_webhooks()
        self.assertEqual(self._drain(), 2)
        self.assertEqual((first | second).mapped("state"), ["succeeded", "succeeded"])

    def test_dead_letter_after_the_last_attempt_then_replay_keeps_id_and_body(self):
        webhook = self._test_event()
        self.receiver.answer(*([500] * webhooks.MAX_ATTEMPTS))
        now = datetime(2026, 11, 29, 10, 0, 0)
        with freeze_time(now) as frozen:
            webhook.sudo().next_attempt_date = now
            for _attempt in range(webhooks.MAX_ATTEMPTS):
                self.assertEqual(self._drain(), 1)
                frozen.tick(timedelta(hours=27))
            self.assertEqual(self._drain(), 0)
        webhook.invalidate_recordset()
        self.assertEqual(webhook.state, "dead")
        self.assertEqual(webhook.attempt_count, webhooks.MAX_ATTEMPTS)
        self.assertEqual(len(webhook.attempt_ids), webhooks.MAX_ATTEMPTS)
        self.assertEqual(self.service.webhook_dead_count, 1)

        webhook.with_user(self.billing_user).action_replay()
        self.assertEqual(webhook.state, "pending")
        self.assertEqual(self._drain(), 1)
        replayed = self.receiver.requests[-1]
        self.assertEqual(replayed["headers"]["webhook-id"], webhook.webhook_uuid)
        self.assertEqual(replayed["body"], self.receiver.requests[0]["body"])
        self.assertEqual(webhook.state, "succeeded")
        self.assertEqual(len(webhook.attempt_ids), webhooks.MAX_ATTEMPTS + 1,
                         "the history is kept")

    def test_a_shadow_service_holds_its_webhooks_and_sends_nothing(self):
        self.service.mode = "shadow"
        link = self.env["fusion.billing.account.link"]._fc_api_upsert(
            self.service, {"external_id": "cust-shadow", "email": "shadow@example.com"})
        [webhook] = self._webhooks("customer.created")
        self.assertEqual(webhook.res_id, link.id)
        self.assertEqual(webhook.state, "held")
        self._drain()
        self.assertEqual(self.receiver.requests, [])
        with self.assertRaises(UserError):
            webhook.action_replay()

    def test_a_private_endpoint_is_refused_at_save_and_at_send(self):
        self.env["ir.config_parameter"].set_param(ALLOW_PRIVATE, "0")
        for url in ("https://127.0.0.1/hooks", "https://10.0.0.8/hooks",
                    "https://169.254.169.254/latest", "http://app.example.com/hooks"):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.service.webhook_url = url
        # Saved while allowed (or DNS changed since): refused when sending.
        webhook = self._test_event()
        self._drain()
        self.assertEqual(self.receiver.requests, [])
        webhook.invalidate_recordset()
        self.assertEqual(webhook.state, "retrying")
        self.assertIn("https_required", webhook.last_error)

    def test_regenerating_the_secret_signs_with_both_during_the_overlap(self):
        old = self.secret
        self.service.with_user(self.billing_manager).action_regenerate_webhook_secret()
        new = self.service.webhook_secret
        self.assertNotEqual(old, new)
        self._test_event()
        self._drain()
        request = self.receiver.requests[-1]
        self.assertEqual(len(request["headers"]["webhook-signature"].split(" ")), 2)
        self.assertEqual(self._verify_with_standard_webhooks([request], secret=old),
                         ["verified webhook.test"])
        self.assertEqual(self._verify_with_standard_webhooks([request], secret=new),
                         ["verified webhook.test"])
        self.assertTrue(self._lago_signature_valid(request, secret=new))
        with freeze_time(fields.Datetime.now() + webhooks.SECRET_ROTATION_OVERLAP
                         + timedelta(minutes=1)):
            self.assertEqual(self.service._fc_signing_secrets(), [new])
