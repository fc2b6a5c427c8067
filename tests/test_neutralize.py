# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged

from .common import FusionBillingCommon


@tagged("post_install", "-at_install")
class TestNeutralize(FusionBillingCommon):
    """A neutralized copy (staging, support) must not reach the apps nor bill anybody."""

    def test_neutralization_blanks_secrets_revokes_keys_holds_webhooks_and_forces_shadow(self):
        clear = self._generate_key()
        self.service.write({"webhook_url": "https://app.example/hooks", "mode": "live"})
        order = self.env["sale.order"].create({
            "partner_id": self.partner.id, "plan_id": self.plan.id,
            "x_fc_service_id": self.service.id, "x_fc_external_id": "sub_n"})
        self.assertFalse(order.x_fc_shadow)
        hook = self.env["fusion.billing.webhook"].create({
            "service_id": self.service.id, "event_type": "invoice.created", "payload": "{}"})
        self.env.flush_all()

        for query in get_neutralization_queries(["fusion_centralize_billing"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()

        self.assertEqual(self.service.mode, "shadow")
        self.assertFalse(self.service.webhook_url)
        self.assertFalse(self.service.webhook_secret)
        self.assertEqual(self.service.key_ids.state, "revoked")
        self.assertFalse(self.env["fusion.billing.service.key"]._authenticate(clear))
        self.assertEqual(hook.state, "held")
        self.assertTrue(order.x_fc_shadow)
