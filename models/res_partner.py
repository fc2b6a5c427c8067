# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


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
