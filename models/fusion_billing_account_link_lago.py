# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class FusionBillingAccountLink(models.Model):
    _inherit = "fusion.billing.account.link"

    lago_partner = fields.Boolean(
        string="Partner Made by the Lago Mirror", readonly=True, copy=False,
        help="The Lago mirror created this customer's partner: a re-run keeps it as Lago "
        "has it. A partner Odoo already had (the same email) only gets its blanks filled.",
    )
