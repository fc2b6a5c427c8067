# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import json

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from ..engine import messages, pricing, rating
from ..engine.errors import ValidationFailure
from ..engine.pricing import form as pricing_form
from ..engine.pricing import words
from .fusion_billing_locale import translator

CHARGE_MODELS = [
    ("standard", "Standard"),
    ("graduated", "Graduated"),
    ("volume", "Volume"),
    ("package", "Package"),
    ("percentage", "Percentage"),
]
# The charge form's pricing fields: Lago's properties are derived from them, one way.
PRICING_FIELDS = (
    "amount", "package_size", "free_units", "rate", "fixed_amount", "free_units_per_events",
    "free_units_per_total_aggregation", "tier_ids",
)
TIER_FIELDS = ("from_value", "to_value", "per_unit_amount", "flat_amount")
# Prices (per unit, per package, flat fees) may need sub-cent precision: 6 decimals,
# engine.const.FORM_DECIMALS; quantities as the usage table's.
PRICE_DIGITS = (12, 6)
QUANTITY_DIGITS = (20, 6)


class FusionBillingCharge(models.Model):
    """Prices a metric on a subscription plan: an included quantity, then overage priced
    by one of Lago's charge models. The result lands on the subscription as a line of
    ``product_id`` so the native invoice carries it."""

    _name = "fusion.billing.charge"
    _description = "Usage Charge"
    # The chatter tracks every field that moves an amount (tiers through ``tiers_text``).
    _inherit = ["fusion.billing.lago.mixin", "mail.thread"]
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    plan_id = fields.Many2one(
        "sale.subscription.plan", required=True, index=True, ondelete="cascade",
        tracking=True,
    )
    metric_id = fields.Many2one(
        "fusion.billing.metric", required=True, index=True,
        ondelete="restrict", check_company=True, tracking=True,
    )
    service_id = fields.Many2one(related="metric_id.service_id", store=True, index=True)
    # The plan's service: the metrics a charge may price (the form's metric list).
    plan_service_id = fields.Many2one(related="plan_id.x_fc_service_id", string="Plan Service")
    # The metric's company; before a metric is chosen (a new charge in the form), the
    # plan's or the current one, so the metric and product lists offer that company's.
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    charge_model = fields.Selection(CHARGE_MODELS, required=True, default="standard",
                                    tracking=True)
    # The pricing as the form edits it; ``properties`` is derived from these fields.
    amount = fields.Float(
        string="Price", digits=PRICE_DIGITS, tracking=True,
        help="Standard: the price of one unit. Package: the price of one started package.",
    )
    package_size = fields.Integer(
        tracking=True, help="Units in one package; a started package is paid.")
    free_units = fields.Integer(tracking=True, help="Units free before the first package is paid.")
    rate = fields.Float(string="Rate (%)", digits=PRICE_DIGITS, tracking=True,
                        help="Percent of the total.")
    fixed_amount = fields.Float(
        string="Fixed Fee per Event", digits=PRICE_DIGITS, tracking=True,
        help="Added for each usage push (event) of the period.",
    )
    free_units_per_events = fields.Integer(
        string="Free Events", tracking=True,
        help="The first events of the period pay nothing (0: none).",
    )
    free_units_per_total_aggregation = fields.Float(
        string="Free Total", digits=QUANTITY_DIGITS, tracking=True,
        help="The first part of the period's total that pays nothing (0: none).",
    )
    tier_ids = fields.One2many(
        "fusion.billing.charge.tier", "charge_id", string="Tiers", copy=True,
        help="Graduated: each tier prices the units that fall in it. Volume: the tier the "
        "total reaches prices every unit. The last tier has no upper limit.",
    )
    tiers_text = fields.Text(
        string="Tier Prices", compute="_compute_tiers_text", store=True, tracking=True,
        help="The tiers in one text, so the chatter records every change of a tier.",
    )
    properties = fields.Json(
        compute="_compute_properties", store=True, readonly=True,
        help="Lago's charge properties, derived from the pricing fields: what the API and "
        "the rating read. Amounts are decimal strings.",
    )
    properties_text = fields.Text(
        string="Properties (JSON)", compute="_compute_properties_text",
        help="Lago's charge properties as the API shows them.",
    )
    pricing_summary = fields.Char(
        string="Pricing", compute="_compute_pricing_summary",
        help="What this charge costs, in words, in the company's currency.",
    )
    pricing_problems = fields.Text(compute="_compute_pricing_summary")
    included_quantity = fields.Float(
        digits=QUANTITY_DIGITS, default=0.0, tracking=True,
        help="Units included in the plan's price; only units beyond it are charged.",
    )
    # Required, but filled on create when left empty (see _fc_default_products), so an
    # administrator without product rights sets up a whole plan from its form.
    product_id = fields.Many2one(
        "product.product", string="Invoice Product", check_company=True, tracking=True,
        help="Product of the invoice line that carries this usage (its taxes and income "
        "account). Left empty, the metric's product on other plans, or a new one.",
    )
    invoice_display_name = fields.Char(
        tracking=True, help="Label of the usage line; the metric name if empty.")
    active = fields.Boolean(default=True, tracking=True)

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
            if charge.metric_id and charge.plan_id:
                charge.display_name = self.env._(
                    "%(metric)s on %(plan)s",
                    metric=charge.metric_id.name, plan=charge.plan_id.name,
                )
            else:
                charge.display_name = charge.metric_id.name or self.env._("New Usage Charge")

    @api.depends("metric_id.company_id", "plan_id.company_id")
    def _compute_company_id(self):
        for charge in self:
            charge.company_id = (
                charge.metric_id.company_id or charge.plan_id.company_id or self.env.company
            )

    @api.depends(
        "charge_model", *PRICING_FIELDS[:-1],
        *(f"tier_ids.{name}" for name in ("sequence", *TIER_FIELDS)),
    )
    def _compute_properties(self):
        for charge in self:
            charge.properties = pricing_form.properties_from_form(
                charge.charge_model, charge._fc_form()
            )

    @api.depends("charge_model", *(f"tier_ids.{name}" for name in ("sequence", *TIER_FIELDS)))
    def _compute_tiers_text(self):
        for charge in self:
            if charge.charge_model not in ("graduated", "volume"):
                charge.tiers_text = False
                continue
            charge.tiers_text = "\n".join(
                tier._fc_text() for tier in charge.tier_ids.sorted("sequence")) or False

    @api.depends("properties")
    def _compute_properties_text(self):
        for charge in self:
            charge.properties_text = json.dumps(charge.properties or {}, indent=2, sort_keys=True)

    @api.depends("properties", "included_quantity", "currency_id", "metric_id.unit_name")
    def _compute_pricing_summary(self):
        for charge in self:
            currency = charge._fc_currency()
            try:
                charge.pricing_summary = words.summary(
                    charge.charge_model, charge.properties or {},
                    included=str(charge.included_quantity or 0), currency=currency.name,
                    exponent=currency.decimal_places, unit=charge.metric_id.unit_name,
                    locale=translator(self.env),
                )
                charge.pricing_problems = False
            except ValidationFailure as failure:
                charge.pricing_summary = self.env._("Not valid yet: see the problems below.")
                charge.pricing_problems = "\n".join(
                    messages.sentences(failure, translator(self.env).gettext))

    # === ONCHANGE METHODS === #

    @api.onchange("charge_model")
    def _onchange_charge_model(self):
        """A new charge model starts from its own defaults: nothing of the previous
        model's pricing is kept (it would not be valid for the new one)."""
        if self.charge_model:
            self.update(self._fc_field_values(pricing_form.default_form(self.charge_model)))

    @api.onchange("tier_ids")
    def _onchange_tier_ids(self):
        """A tier added after another starts where that one ends."""
        previous = None
        for tier in self.tier_ids.sorted("sequence"):
            if previous and not tier.from_value and previous.to_value:
                tier.from_value = previous.to_value
            previous = tier

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._fc_pricing_from_properties(vals, vals.get("charge_model") or "standard")
        self._fc_default_products(vals_list)
        return super().create(vals_list)

    @api.model
    def _fc_default_products(self, vals_list):
        """The invoice product of a charge given none: the one its metric is already
        invoiced with on another plan, or a new service product named after the metric
        (made by the system: the charge's author needs no product rights)."""
        Metric = self.env["fusion.billing.metric"]
        for vals in vals_list:
            if vals.get("product_id") or not vals.get("metric_id"):
                continue
            metric = Metric.browse(vals["metric_id"])
            product = metric.sudo().charge_ids.product_id[:1]
            if not product:
                product = self.env["product.product"].sudo().create({
                    "name": self.env._("%(metric)s usage", metric=metric.name),
                    "type": "service",
                    "invoice_policy": "delivery",
                    "company_id": metric.company_id.id,
                })
            vals["product_id"] = product.id

    def write(self, vals):
        if "properties" not in vals:
            return super().write(vals)
        # Properties are turned into each charge's own fields (its model may differ).
        for charge in self:
            charge_vals = dict(vals)
            self._fc_pricing_from_properties(
                charge_vals, charge_vals.get("charge_model") or charge.charge_model, clear=True
            )
            super(FusionBillingCharge, charge).write(charge_vals)
        return True

    def _fc_pricing_from_properties(self, vals, model, clear=False):
        """Replace Lago ``properties`` in ``vals`` by the pricing fields they stand for.

        The demo data, an import or a script may give Lago's properties; the form gives
        the fields. Both at once would be two truths, so it is refused.
        """
        if "properties" not in vals:
            return
        properties = vals.pop("properties")
        if properties is None:
            return
        if set(PRICING_FIELDS) & set(vals):
            raise UserError(self.env._(
                "Give a charge's pricing either as Lago properties or as its fields, "
                "not both."
            ))
        try:
            form = pricing_form.form_from_properties(model, properties or {})
        except ValidationFailure as failure:
            raise ValidationError(self._fc_problems_message(model, failure)) from failure
        vals.update(self._fc_field_values(form, clear=clear))

    # === BUSINESS METHODS === #

    def _fc_currency(self):
        self.ensure_one()
        return self.currency_id or self.env.company.currency_id

    def _fc_form(self):
        """The pricing fields as the engine's form dict (see engine.pricing.form)."""
        self.ensure_one()
        return {
            "amount": self.amount, "package_size": self.package_size,
            "free_units": self.free_units, "rate": self.rate,
            "fixed_amount": self.fixed_amount,
            "free_units_per_events": self.free_units_per_events,
            "free_units_per_total_aggregation": self.free_units_per_total_aggregation,
            "tiers": [
                {name: tier[name] for name in TIER_FIELDS}
                for tier in self.tier_ids.sorted("sequence")
            ],
        }

    @api.model
    def _fc_field_values(self, form, clear=True):
        """Field values (and tier commands) for an engine form dict."""
        values = {
            "amount": float(form["amount"] or 0), "package_size": form["package_size"] or 0,
            "free_units": form["free_units"] or 0, "rate": float(form["rate"] or 0),
            "fixed_amount": float(form["fixed_amount"] or 0),
            "free_units_per_events": form["free_units_per_events"] or 0,
            "free_units_per_total_aggregation":
                float(form["free_units_per_total_aggregation"] or 0),
        }
        tiers = [
            Command.create({
                "sequence": index,
                **{name: float(tier[name] or 0) for name in TIER_FIELDS},
            })
            for index, tier in enumerate(form["tiers"], start=1)
        ]
        values["tier_ids"] = ([Command.clear()] if clear else []) + tiers
        return values

    def _fc_problems_message(self, model, failure):
        problems = "\n".join(f"- {line}" for line in messages.sentences(
            failure, translator(self.env).gettext))
        label = dict(CHARGE_MODELS).get(model, model)
        return self.env._(
            "The %(model)s pricing of %(metric)s is not valid:\n%(problems)s",
            model=label, metric=self.metric_id.display_name or self.env._("this charge"),
            problems=problems,
        )

    def action_open_preview(self):
        """Price a quantity with this charge in a dialog that writes nothing (see
        ``fusion.billing.charge.preview``)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview %(charge)s", charge=self.display_name),
            "res_model": "fusion.billing.charge.preview",
            "view_mode": "form",
            "target": "new",
            "context": {"default_charge_id": self.id},
        }

    def _fc_preview(self, quantity, events=1):
        """A quantity priced by this charge. :rtype: engine.pricing.words.Preview"""
        self.ensure_one()
        currency = self._fc_currency()
        charge = rating.Charge.build(
            self.charge_model, self.properties or {},
            included_quantity=str(self.included_quantity or 0),
            currency_exponent=currency.decimal_places,
        )
        return words.preview(
            charge, str(quantity or 0), events=events or 1,
            currency=currency.name, unit=self.metric_id.unit_name, locale=translator(self.env),
        )

    def _fc_preview_table(self, quantity, events=1):
        """A quantity priced by this charge, as a small table (every value escaped)."""
        self.ensure_one()
        currency = self._fc_currency()
        if self.pricing_problems:
            return Markup("<p class='text-muted'>%s</p>") % self.env._(
                "Fix the pricing problems of this charge to see a preview.")
        try:
            result = self._fc_preview(quantity, events)
        except ValidationFailure as failure:
            return Markup("<p class='text-danger'>%s</p>") % "; ".join(
                messages.sentences(failure, translator(self.env).gettext))

        def cash(value):
            return words.money(value, currency.name, currency.decimal_places)

        rows = Markup().join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td></tr>") % (text, cash(value))
            for text, value in result.lines
        )
        total = cash(result.rating.amount)
        return Markup(
            "<table class='table table-sm o_fc_preview'><tbody>%s</tbody><tfoot><tr>"
            "<th>%s</th><th class='text-end o_fc_preview_total'>%s</th></tr></tfoot></table>"
        ) % (rows, self.env._("Total for %(quantity)s", quantity=words.amount_of(
            result.rating.units, self.metric_id.unit_name)), total)

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

    @api.constrains("charge_model", *PRICING_FIELDS)
    def _check_properties(self):
        """Refuse pricing the rating engine could not price, with every problem in words."""
        for charge in self:
            try:
                pricing.validate(charge.charge_model, charge.properties or {})
            except ValidationFailure as failure:
                raise ValidationError(
                    charge._fc_problems_message(charge.charge_model, failure)
                ) from failure

    @api.constrains("product_id")
    def _check_product(self):
        if self.filtered(lambda charge: not charge.product_id):
            raise ValidationError(self.env._(
                "A usage charge needs the product its invoice line is made of."))

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


class FusionBillingChargeTier(models.Model):
    """One tier of a graduated or volume charge, as the charge form edits it.

    Tiers are checked with their charge (its constraint runs on every save of the charge
    form), not one by one: while a list of tiers is being saved, a tier alone may not
    follow on from the others yet."""

    _name = "fusion.billing.charge.tier"
    _description = "Usage Charge Tier"
    _order = "charge_id, sequence, id"

    charge_id = fields.Many2one(
        "fusion.billing.charge", required=True, index=True, ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    currency_id = fields.Many2one(related="charge_id.currency_id")
    from_value = fields.Float(string="From", digits=QUANTITY_DIGITS,
                              help="Where the tier starts: 0, or where the tier before ends.")
    to_value = fields.Float(string="To", digits=QUANTITY_DIGITS,
                            help="Where the tier ends; 0 on the last tier: no upper limit.")
    per_unit_amount = fields.Float(string="Per Unit", digits=PRICE_DIGITS)
    flat_amount = fields.Float(string="Flat Fee", digits=PRICE_DIGITS,
                               help="Paid once when the tier is reached.")

    @api.depends("sequence", "from_value", "to_value")
    def _compute_display_name(self):
        for tier in self:
            if tier.to_value:
                tier.display_name = self.env._(
                    "%(start)s to %(end)s", start=words.quantity(str(tier.from_value)),
                    end=words.quantity(str(tier.to_value)))
            else:
                tier.display_name = self.env._(
                    "%(start)s and above", start=words.quantity(str(tier.from_value)))

    def _fc_text(self):
        """The tier in one line of the charge's tracked ``tiers_text``."""
        self.ensure_one()
        text = self.env._("%(tier)s: %(price)s per unit", tier=self.display_name,
                          price=words.quantity(str(self.per_unit_amount)))
        if self.flat_amount:
            text = self.env._("%(text)s + %(flat)s flat", text=text,
                              flat=words.quantity(str(self.flat_amount)))
        return text

    # A tier edited on its own (not through its charge's form) is still tracked on the
    # charge: its tiers text is read before the change, and compared at commit.
    @api.model_create_multi
    def create(self, vals_list):
        self.env["fusion.billing.charge"].browse(
            {vals["charge_id"] for vals in vals_list if vals.get("charge_id")}
        )._track_prepare(["tiers_text"])
        return super().create(vals_list)

    def write(self, vals):
        self.charge_id._track_prepare(["tiers_text"])
        return super().write(vals)

    def unlink(self):
        self.charge_id._track_prepare(["tiers_text"])
        return super().unlink()
