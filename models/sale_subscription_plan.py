# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleSubscriptionPlan(models.Model):
    _inherit = "sale.subscription.plan"

    x_fc_plan_code = fields.Char(
        string="Plan Code",
        copy=False,
        index=True,
        help="Code shared with the apps (Lago's plan_code): the app asks for this plan by it "
        "and grants the plan's features from it.",
    )
    x_fc_charge_ids = fields.One2many("fusion.billing.charge", "plan_id", string="Usage Charges")

    _x_fc_plan_code_uniq = models.UniqueIndex(
        "(x_fc_plan_code, COALESCE(company_id, 0)) WHERE x_fc_plan_code IS NOT NULL",
        "A plan with this plan code already exists.",
    )
