# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

from ..engine import usage as usage_rules


class SaleOrder(models.Model):
    """The dual run's side of an app subscription: how it meets the app's invoices, and
    what going live hands over to native billing."""

    _inherit = "sale.order"

    def _fc_reconciliation_key(self):
        """What Odoo's and the app's figures meet on: the app's subscription id."""
        self.ensure_one()
        return self.x_fc_external_id or self.name

    @api.model
    def _fc_by_external_ids(self, service, external_ids):
        """``{external id: subscription}`` of a service, in one query."""
        if not external_ids:
            return {}
        orders = self.sudo().search([
            ("x_fc_service_id", "=", service.id),
            ("x_fc_external_id", "in", list(external_ids)),
        ])
        return {order.x_fc_external_id: order for order in orders}

    def _fc_hand_over(self, today):
        """Hand these shadow subscriptions to native billing, whole, from the first period
        that neither the app billed nor has begun: the plan, the next invoice date, the
        card imported from the app (its Stripe token) for the native payment.

        :return: ``{subscription: handover date}``
        :rtype: dict
        """
        billed_until = self._fc_app_billed_until()
        handed = {}
        for order in self.filtered(lambda o: o.x_fc_plan_id and o.start_date):
            cycle = order._fc_cycle()
            handover = usage_rules.handover_date(cycle, today, order.start_date)
            last_billed = billed_until.get(order.id)
            while last_billed and handover <= last_billed:
                # Never back-bill a period the app billed: start after its last invoice.
                handover = usage_rules.handover_date(cycle, handover, order.start_date)
            values = {"x_fc_live_from": handover, "next_invoice_date": handover}
            if order.x_fc_payment_token_id and not order.payment_token_id:
                values["payment_token_id"] = order.x_fc_payment_token_id.id
            # The hand-over fields are the system's to write (the guard refuses a person).
            order.sudo().write(values)
            handed[order] = handover
        self._fc_sync_native_plan()
        return handed

    def _fc_app_billed_until(self):
        """``{subscription id: last day the app invoiced}`` (from its app invoices)."""
        if not self:
            return {}
        self.env["fusion.billing.app.invoice"].flush_model()
        return dict(self.env.execute_query(SQL(
            "SELECT subscription_id, max(to_date) FROM fusion_billing_app_invoice"
            " WHERE subscription_id = ANY(%s) GROUP BY 1", self.ids)))
