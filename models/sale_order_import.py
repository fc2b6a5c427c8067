# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleOrder(models.Model):
    """What the import keeps of an app subscription. A re-run of the import rewrites
    these ``x_fc_*`` fields only: partner, plan and lines are set at creation."""

    _inherit = "sale.order"

    x_fc_app_status = fields.Char(
        string="Status in the App", copy=False, readonly=True,
        help="The subscription's status in the app's own billing, as last imported.",
    )
    x_fc_app_period_start = fields.Date(string="App Period Start", copy=False, readonly=True)
    x_fc_app_period_end = fields.Date(string="App Period End", copy=False, readonly=True)
    x_fc_stripe_subscription_id = fields.Char(
        string="Stripe Subscription ID", copy=False, readonly=True, index="btree_not_null",
    )
    x_fc_payment_token_id = fields.Many2one(
        "payment.token", string="Imported Card", copy=False, readonly=True,
        ondelete="set null",
        help="The Stripe card the app charges for this subscription, saved as an Odoo "
        "payment token so Odoo can charge it after cutover.",
    )
