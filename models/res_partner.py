# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .fusion_billing_account_link_api import PARTNER_FIELDS

# Partner fields the API's customer object shows: a change is a customer.updated.
ANNOUNCED_FIELDS = set(PARTNER_FIELDS.values()) | {
    "country_id", "state_id", "tz", "lang", "is_company", "commercial_company_name",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    x_fc_account_link_ids = fields.One2many(
        "fusion.billing.account.link", "partner_id", string="Service Accounts"
    )
    x_fc_account_link_count = fields.Integer(
        string="Service Account Count", compute="_compute_x_fc_account_link_count"
    )

    @api.depends("x_fc_account_link_ids")
    def _compute_x_fc_account_link_count(self):
        for partner in self:
            partner.x_fc_account_link_count = len(partner.x_fc_account_link_ids)

    def write(self, vals):
        result = super().write(vals)
        if ANNOUNCED_FIELDS & set(vals):
            links = self.sudo().x_fc_account_link_ids.filtered("active")
            links._fc_webhook_enqueue("customer.updated")
        return result
