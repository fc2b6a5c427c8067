# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The subscription events the apps receive: started, updated, terminated."""

from odoo import models

from ..engine import serializers, webhooks

# Fields of the API's subscription object whose change is a subscription.updated.
ANNOUNCED_FIELDS = ("x_fc_plan_id", "x_fc_name", "end_date")


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "fusion.billing.webhook.source"]

    def _fc_webhook_object(self):
        self.ensure_one()
        return "subscription", serializers.subscription(self._fc_api_values(self._fc_today()))

    def action_confirm(self):
        drafts = self.filtered(lambda o: o.x_fc_service_id and o.state in ("draft", "sent"))
        result = super().action_confirm()
        drafts.filtered(lambda o: o.state == "sale")._fc_webhook_enqueue("subscription.started")
        return result

    def write(self, vals):
        watched = self.browse()
        if set(ANNOUNCED_FIELDS) & set(vals):
            watched = self.filtered(lambda o: o.x_fc_service_id and o.state == "sale")
        before = {order.id: tuple(order[name] for name in ANNOUNCED_FIELDS)
                  for order in watched}
        statuses = {order.id: order._fc_api_status(order._fc_today()) for order in watched}
        result = super().write(vals)
        for order in watched:
            if tuple(order[name] for name in ANNOUNCED_FIELDS) == before[order.id]:
                continue
            order._fc_webhook_enqueue(webhooks.subscription_change(
                statuses[order.id] == "terminated", order.end_date or None,
                order._fc_today()))
        return result

    def _action_cancel(self):
        confirmed = self.filtered(lambda o: o.x_fc_service_id and o.state == "sale")
        result = super()._action_cancel()
        confirmed.filtered(lambda o: o.state == "cancel")._fc_webhook_enqueue(
            "subscription.terminated")
        return result
