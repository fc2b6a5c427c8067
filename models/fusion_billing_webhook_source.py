# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import models


class FusionBillingWebhookSource(models.AbstractModel):
    """A record whose changes the apps hear of: it names its service and its object."""

    _name = "fusion.billing.webhook.source"
    _description = "Announced to the Apps by Webhook"
    # The field holding the service whose app is told.
    _fc_webhook_service_field = "x_fc_service_id"

    def _fc_webhook_object(self):
        """``(object_type, the API's serialisation)`` of this record."""
        raise NotImplementedError

    def _fc_webhook_enqueue(self, event_type):
        Webhook = self.env["fusion.billing.webhook"]
        for record in self:
            Webhook._fc_enqueue(record[self._fc_webhook_service_field], event_type, record)
