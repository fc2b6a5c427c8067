# TEST STAND-IN for the Odoo Enterprise module sale_subscription. Never ship it.
from dateutil.relativedelta import relativedelta

from odoo import fields, models


class SaleSubscriptionPlan(models.Model):
    _name = "sale.subscription.plan"
    _description = "Subscription Plan (test stand-in)"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company")
    billing_period_value = fields.Integer(default=1, required=True)
    billing_period_unit = fields.Selection(
        [("week", "Weeks"), ("month", "Months"), ("year", "Years")],
        default="month", required=True,
    )
    subscription_rule_ids = fields.One2many("product.pricelist.item", "plan_id")

    @property
    def billing_period(self):
        self.ensure_one()
        return relativedelta(**{f"{self.billing_period_unit}s": self.billing_period_value})
