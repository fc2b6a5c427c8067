# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine.money import to_cents
from .fusion_billing_lago_mixin import fill_missing_uuids, new_uuids
from .fusion_billing_service import MANAGER_GROUP


class SaleSubscriptionPlan(models.Model):
    # The chatter tracks what a plan bills: its code, service, fee and billing period.
    _name = "sale.subscription.plan"
    _inherit = ["sale.subscription.plan", "mail.thread"]

    # Native fields, tracked: the billing period moves every amount of the plan.
    billing_period_value = fields.Integer(tracking=True)
    billing_period_unit = fields.Selection(tracking=True)

    x_fc_service_id = fields.Many2one(
        "fusion.billing.service", string="Billing Service", index=True, ondelete="restrict",
        tracking=True,
        help="The app that sells this plan. Its plan code is unique within that app.",
    )
    x_fc_plan_code = fields.Char(
        string="Plan Code",
        copy=False,
        index=True,
        tracking=True,
        help="Code shared with the apps (Lago's plan_code): the app asks for this plan by it "
        "and grants the plan's features from it. Set and changed by Billing Administrators "
        "only: it is the contract with the app.",
    )
    x_fc_can_edit_code = fields.Boolean(compute="_compute_x_fc_can_edit_code")
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
        "product.product", string="Plan Product", tracking=True,
        domain="[('type', '=', 'service')]",
        help="The recurring product a subscription of this plan is created with (its price "
        "is the plan's fee); usage comes on top.",
    )
    x_fc_currency_id = fields.Many2one("res.currency", compute="_compute_x_fc_currency_id")
    x_fc_fee = fields.Monetary(
        string="Recurring Fee", currency_field="x_fc_currency_id", tracking=True,
        compute="_compute_x_fc_fee", inverse="_inverse_x_fc_fee",
        help="What a subscription of this plan pays each billing period before its usage: "
        "the plan product's price (the API's plan_amount_cents). A fee given to a plan "
        "without a product creates its product.",
    )
    x_fc_charge_ids = fields.One2many("fusion.billing.charge", "plan_id", string="Usage Charges")

    # Two apps may both call a plan "pro": the code is unique per service.
    _x_fc_plan_code_uniq = models.UniqueIndex(
        "(x_fc_service_id, x_fc_plan_code) WHERE x_fc_plan_code IS NOT NULL",
        "This service already has a plan with this plan code.",
    )

    @api.depends("x_fc_service_id.company_id", "company_id")
    def _compute_x_fc_currency_id(self):
        for plan in self:
            company = plan.x_fc_service_id.company_id or plan.company_id or self.env.company
            plan.x_fc_currency_id = company.currency_id

    @api.depends("x_fc_product_id.lst_price")
    def _compute_x_fc_fee(self):
        for plan in self:
            plan.x_fc_fee = plan.x_fc_product_id.lst_price

    def _inverse_x_fc_fee(self):
        # The product is the plan's (its fee): whoever may edit the plan sets its price.
        for plan in self:
            if plan.x_fc_product_id:
                plan.x_fc_product_id.sudo().lst_price = plan.x_fc_fee
            elif plan.x_fc_fee:
                plan.x_fc_product_id = self.env["product.product"].sudo().create({
                    "name": plan.name,
                    "type": "service",
                    "invoice_policy": "order",
                    "recurring_invoice": True,
                    "list_price": plan.x_fc_fee,
                    "company_id": plan.company_id.id,
                })

    def _compute_x_fc_can_edit_code(self):
        editable = self.env.su or self.env.user.has_group(MANAGER_GROUP)
        for plan in self:
            plan.x_fc_can_edit_code = editable
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
        if any(vals.get("x_fc_plan_code") for vals in vals_list):
            self._fc_check_code_editor()
        new_uuids(vals_list, "x_fc_lago_id")
        return super().create(vals_list)

    def write(self, vals):
        if "x_fc_plan_code" in vals and any(
                (plan.x_fc_plan_code or False) != (vals["x_fc_plan_code"] or False)
                for plan in self):
            self._fc_check_code_editor()
        return super().write(vals)

    def _fc_check_code_editor(self):
        if not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise UserError(self.env._(
                "The plan code is the contract with the app: only a Billing Administrator "
                "sets or changes it."))

    def init(self):
        result = super().init()
        fill_missing_uuids(self.env, self._table, "x_fc_lago_id")
        return result

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
