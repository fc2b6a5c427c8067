# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine.money import to_cents
from .fusion_billing_lago_mixin import fill_missing_uuids, new_uuids


class SaleSubscriptionPlan(models.Model):
    _inherit = "sale.subscription.plan"

    x_fc_service_id = fields.Many2one(
        "fusion.billing.service", string="Billing Service", index=True, ondelete="restrict",
        help="The app that sells this plan. Its plan code is unique within that app.",
    )
    x_fc_plan_code = fields.Char(
        string="Plan Code",
        copy=False,
        index=True,
        help="Code shared with the apps (Lago's plan_code): the app asks for this plan by it "
        "and grants the plan's features from it.",
    )
    x_fc_app_plan_code = fields.Char(
        string="App Plan Code", copy=False,
        help="The plan's code in the app's own billing (its plans table), when one app plan "
        "is sold on several billing periods: e.g. the app's \"pro\", billed monthly by the "
        "plan coded pro_monthly and yearly by the one coded pro_yearly. The import matches a "
        "subscription to the plan with this code and the subscription's billing period; "
        "empty, it matches by the Plan Code. The API always names a plan by its Plan Code.",
    )
    x_fc_lago_id = fields.Char(string="API ID", readonly=True, copy=False, index=True)
    x_fc_product_id = fields.Many2one(
        "product.product", string="Plan Product",
        help="The recurring product a subscription of this plan is created with (its price "
        "is the plan's fee); usage comes on top.",
    )
    x_fc_charge_ids = fields.One2many("fusion.billing.charge", "plan_id", string="Usage Charges")

    # Two apps may both call a plan "pro": the code is unique per service.
    _x_fc_plan_code_uniq = models.UniqueIndex(
        "(x_fc_service_id, x_fc_plan_code) WHERE x_fc_plan_code IS NOT NULL",
        "This service already has a plan with this plan code.",
    )

    # The import finds one plan per app plan code and billing period: two plans of a
    # service may not answer the same (app code or, without one, plan code; period).
    _x_fc_app_plan_code_period_uniq = models.UniqueIndex(
        "(x_fc_service_id, COALESCE(x_fc_app_plan_code, x_fc_plan_code), billing_period_unit,"
        " billing_period_value) WHERE x_fc_plan_code IS NOT NULL",
        "Another plan of this service is already the app plan of that code billed on this "
        "period: the import could not tell them apart.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        new_uuids(vals_list, "x_fc_lago_id")
        return super().create(vals_list)

    def init(self):
        super().init()
        fill_missing_uuids(self.env, self._table, "x_fc_lago_id")

    def _fc_app_code(self):
        """The code the app's billing knows this plan by (the import's key, with its
        billing period)."""
        self.ensure_one()
        return self.x_fc_app_plan_code or self.x_fc_plan_code

    def _fc_amount_cents(self):
        """The plan's recurring fee in cents (its product's price)."""
        self.ensure_one()
        currency = self.x_fc_service_id.company_id.currency_id or self.env.company.currency_id
        price = self.x_fc_product_id.lst_price or 0.0
        return to_cents(str(price), currency.decimal_places)

    @api.constrains("x_fc_plan_code", "x_fc_service_id")
    def _check_x_fc_plan_code_service(self):
        for plan in self:
            if plan.x_fc_plan_code and not plan.x_fc_service_id:
                raise ValidationError(self.env._(
                    "Plan %(plan)s has a plan code: choose the service that sells it.",
                    plan=plan.display_name,
                ))
