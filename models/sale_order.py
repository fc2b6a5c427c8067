# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    x_fc_service_id = fields.Many2one(
        "fusion.billing.service", string="Billing Service", index=True, copy=False,
        ondelete="restrict", check_company=True,
        help="The app this subscription belongs to; empty for subscriptions sold in Odoo.",
    )
    x_fc_external_id = fields.Char(
        string="External Subscription ID", copy=False, index=True,
        help="The subscription's id in the app (Lago's external_id).",
    )
    x_fc_shadow = fields.Boolean(
        string="Shadow", compute="_compute_x_fc_shadow", store=True,
        help="Billed by a service still in shadow mode: Odoo computes it for reconciliation "
        "and never posts, charges or emails anything for it.",
    )
    x_fc_usage_ids = fields.One2many("fusion.billing.usage", "subscription_id", string="Usage")

    _x_fc_external_id_uniq = models.UniqueIndex(
        "(x_fc_service_id, x_fc_external_id) WHERE x_fc_external_id IS NOT NULL",
        "This external subscription id is already used for this service.",
    )

    @api.depends("x_fc_service_id.mode")
    def _compute_x_fc_shadow(self):
        for order in self:
            order.x_fc_shadow = order.x_fc_service_id.mode == "shadow"
