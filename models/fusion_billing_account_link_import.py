# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class FusionBillingAccountLink(models.Model):
    _inherit = "fusion.billing.account.link"

    stripe_customer_id = fields.Char(
        string="Stripe Customer ID", copy=False, index="btree_not_null",
        help="The customer's id at Stripe in the app's own billing, as last imported: its "
        "cards are saved on the partner as payment tokens of the Stripe provider.",
    )
