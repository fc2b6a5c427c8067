# TEST STAND-IN for the Odoo Enterprise module sale_subscription. Never ship it.
from odoo import fields, models


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    plan_id = fields.Many2one("sale.subscription.plan", index=True)


class ProductTemplate(models.Model):
    _inherit = "product.template"

    recurring_invoice = fields.Boolean(string="Subscription Product")
    subscription_rule_ids = fields.One2many(
        "product.pricelist.item", "product_tmpl_id", domain=[("plan_id", "!=", False)]
    )
