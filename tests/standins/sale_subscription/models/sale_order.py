# TEST STAND-IN for the Odoo Enterprise module sale_subscription. Never ship it.
from odoo import api, fields, models

SUBSCRIPTION_STATES = [
    ("1_draft", "Quotation"),
    ("2_renewal", "Renewal Quotation"),
    ("3_progress", "In Progress"),
    ("4_paused", "Paused"),
    ("5_renewed", "Renewed"),
    ("6_churn", "Churned"),
    ("7_upsell", "Upsell"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    plan_id = fields.Many2one("sale.subscription.plan", index=True)
    is_subscription = fields.Boolean(compute="_compute_is_subscription", store=True)
    subscription_state = fields.Selection(SUBSCRIPTION_STATES, index=True)
    start_date = fields.Date()
    next_invoice_date = fields.Date()
    end_date = fields.Date()

    @api.depends("plan_id", "subscription_state")
    def _compute_is_subscription(self):
        for order in self:
            order.is_subscription = bool(order.plan_id) and order.subscription_state != "7_upsell"


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    recurring_invoice = fields.Boolean(related="product_id.recurring_invoice")
