# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import pricing, rating
from ..engine.errors import ValidationFailure

CHARGE_MODELS = [
    ("standard", "Standard"),
    ("graduated", "Graduated"),
    ("volume", "Volume"),
    ("package", "Package"),
    ("percentage", "Percentage"),
]


class FusionBillingCharge(models.Model):
    """Prices a metric on a subscription plan: an included quantity, then overage priced
    by one of Lago's charge models. The result lands on the subscription as a line of
    ``product_id`` so the native invoice carries it."""

    _name = "fusion.billing.charge"
    _description = "Usage Charge"
    _inherit = ["fusion.billing.lago.mixin"]
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    plan_id = fields.Many2one(
        "sale.subscription.plan", required=True, index=True, ondelete="cascade",
    )
    metric_id = fields.Many2one(
        "fusion.billing.metric", required=True, index=True,
        ondelete="restrict", check_company=True,
    )
    service_id = fields.Many2one(related="metric_id.service_id", store=True, index=True)
    company_id = fields.Many2one(related="metric_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    charge_model = fields.Selection(CHARGE_MODELS, required=True, default="standard")
    properties = fields.Json(
        required=True,
        default=lambda self: {"amount": "0"},
        help="Lago's charge properties for the charge model, amounts as decimal strings, "
        'e.g. {"amount": "0.02"} or {"graduated_ranges": [...]}.',
    )
    properties_text = fields.Text(
        string="Properties (JSON)", compute="_compute_properties_text",
        inverse="_inverse_properties_text",
        help="Lago's charge properties as JSON; amounts as decimal strings.",
    )
    included_quantity = fields.Float(
        digits=(20, 6), default=0.0,
        help="Units included in the plan's price; only units beyond it are charged.",
    )
    product_id = fields.Many2one(
        "product.product", string="Invoice Product", required=True, check_company=True,
        help="Product of the subscription line that carries this usage on invoices.",
    )
    invoice_display_name = fields.Char(help="Label of the usage line; the metric name if empty.")
    active = fields.Boolean(default=True)

    _plan_metric_uniq = models.Constraint(
        "UNIQUE(plan_id, metric_id)", "This metric is already charged on this plan."
    )
    _included_quantity_positive = models.Constraint(
        "CHECK(included_quantity >= 0)", "The included quantity cannot be negative."
    )

    # === COMPUTE METHODS === #

    @api.depends("plan_id.name", "metric_id.name")
    def _compute_display_name(self):
        for charge in self:
            charge.display_name = f"{charge.plan_id.name or ''} / {charge.metric_id.name or ''}"

    @api.depends("properties")
    def _compute_properties_text(self):
        for charge in self:
            charge.properties_text = json.dumps(charge.properties or {}, indent=2, sort_keys=True)

    def _inverse_properties_text(self):
        for charge in self:
            try:
                charge.properties = json.loads(charge.properties_text or "{}")
            except ValueError as error:
                raise ValidationError(self.env._(
                    "The charge properties are not valid JSON: %(error)s", error=error
                )) from error

    # === BUSINESS METHODS === #

    def _fc_engine_charge(self, currency_exponent):
        """The engine's ready-to-rate charge. :rtype: engine.rating.Charge"""
        self.ensure_one()
        # The included quantity is a numeric column read back as a float: str() gives the
        # typed value back (at most 6 decimals), never the binary approximation.
        return rating.Charge.build(
            self.charge_model, self.properties or {},
            included_quantity=str(self.included_quantity or 0),
            currency_exponent=currency_exponent,
        )

    # === CONSTRAINT METHODS === #

    @api.constrains("charge_model", "properties")
    def _check_properties(self):
        """Refuse properties the rating engine could not price, with every problem."""
        for charge in self:
            try:
                pricing.validate(charge.charge_model, charge.properties or {})
            except ValidationFailure as failure:
                problems = "\n".join(f"- {line}" for line in failure.lines())
                raise ValidationError(self.env._(
                    "The %(model)s pricing of %(metric)s is not valid:\n%(problems)s",
                    model=charge.charge_model, metric=charge.metric_id.display_name,
                    problems=problems,
                )) from failure

    @api.constrains("plan_id", "metric_id")
    def _check_plan_company(self):
        for charge in self:
            plan_service = charge.plan_id.x_fc_service_id
            if plan_service and plan_service != charge.service_id:
                raise ValidationError(self.env._(
                    "Plan %(plan)s belongs to %(plan_service)s; metric %(metric)s to "
                    "%(service)s. A charge prices a metric of the plan's own service.",
                    plan=charge.plan_id.display_name, plan_service=plan_service.name,
                    metric=charge.metric_id.display_name, service=charge.service_id.name,
                ))
            plan_company = charge.plan_id.company_id
            if plan_company and plan_company != charge.company_id:
                raise ValidationError(self.env._(
                    "Plan %(plan)s belongs to another company than metric %(metric)s.",
                    plan=charge.plan_id.display_name, metric=charge.metric_id.display_name,
                ))
