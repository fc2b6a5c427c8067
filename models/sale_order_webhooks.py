# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The subscription events the apps receive: started, updated, terminated."""

from odoo import models

from ..engine import serializers

# Fields of the API's subscription object whose change is a subscription.updated.
ANNOUNCED_FIELDS = ("x_fc_plan_id", "x_fc_name", "end_date")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _fc_webhook_object(self):
        self.ensure_one()
        return "subscription", serializers.subscription(self._fc_api_values(self._fc_today()))

    def _fc_webhook_enqueue(self, event_type):
        Webhook = self.env["fusion.billing.webhook"]
        for order in self:
            Webhook._fc_enqueue(order.x_fc_service_id, event_type, order)

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
            today = order._fc_today()
            ended = order.end_date and order.end_date <= today
            was_ended = statuses[order.id] == "terminated"
            # Terminating sets the last day to today (usage runs to its end).
            event = "subscription.terminated" if ended and not was_ended \
                else "subscription.updated"
            order._fc_webhook_enqueue(event)
        return result

    def _action_cancel(self):
        confirmed = self.filtered(lambda o: o.x_fc_service_id and o.state == "sale")
        result = super()._action_cancel()
        confirmed.filtered(lambda o: o.state == "cancel")._fc_webhook_enqueue(
            "subscription.terminated")
        return result
