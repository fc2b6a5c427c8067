# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import catalogue, ingest
from ..engine.errors import ValidationFailure
from ..engine.pricing import words


class FusionBillingMetric(models.Model):
    """A billable metric of a service (Lago's billable metric): what is counted and how
    the pushes of one period are aggregated into billable units."""

    _name = "fusion.billing.metric"
    _description = "Billable Metric"
    # The chatter tracks every field that changes what a push bills.
    _inherit = ["fusion.billing.lago.mixin", "mail.thread"]
    _order = "service_id, code"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True, tracking=True,
        help="Code the app sends with each usage push (Lago's metric code).",
    )
    description = fields.Text()
    # No company check: the metric's company is its service's (the record rule offers the
    # services of the user's companies), and a new metric has no company to check yet.
    service_id = fields.Many2one(
        "fusion.billing.service", required=True, index=True, ondelete="restrict",
        tracking=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    aggregation = fields.Selection(
        [
            ("sum", "Sum"),
            ("max", "Maximum"),
            ("last", "Last Value"),
            ("unique", "Unique Count"),
            ("count", "Count"),
        ],
        required=True,
        default="sum",
        tracking=True,
        help="How the pushes of one period become billable units.",
    )
    field_name = fields.Char(
        default="value", tracking=True,
        help="Property of the pushed event holding the number (sum, maximum, last value) "
        "or the key (unique count).",
    )
    recurring = fields.Boolean(
        tracking=True,
        help="The value carries into the next period instead of starting again at zero "
        "(seats, stored gigabytes). Allowed for sum and unique count only.",
    )
    replay_policy = fields.Selection(
        [(ingest.OVERWRITE, "Newest Push Wins"), (ingest.REJECT, "Reject Changes")],
        required=True,
        default=ingest.OVERWRITE,
        tracking=True,
        help="What a re-push of a stored window (same transaction id) with another figure "
        "does. Newest Push Wins: it replaces the old figure, which stays visible on the "
        "usage row with a revision count. Reject Changes: it is refused "
        "(value_already_exist). An identical re-push is always accepted, and a window of a "
        "rated period never changes.",
    )
    unit_name = fields.Char(string="Unit", tracking=True,
                            help="Shown on invoices, e.g. GB, API call, seat.")
    active = fields.Boolean(default=True, tracking=True)
    charge_ids = fields.One2many("fusion.billing.charge", "metric_id", string="Charges")

    _service_code_uniq = models.Constraint(
        "UNIQUE(service_id, code)", "A metric with this code already exists for this service."
    )

    @api.depends("name", "unit_name")
    def _compute_display_name(self):
        # The unit beside the name ("Storage (GB)"), unless the name already says it:
        # pivots and graphs group by metric, and a figure means nothing without its unit.
        for metric in self:
            name = metric.name or ""
            unit = words.units(metric.unit_name) if metric.unit_name else ""
            if unit and unit.lower() not in name.lower():
                name = f"{name} ({unit})"
            metric.display_name = name

    @api.onchange("name")
    def _onchange_name(self):
        if self.name and not self.code:
            self.code = catalogue.code_from_name(self.name)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name") and not vals.get("code"):
                vals["code"] = catalogue.code_from_name(vals["name"])
        return super().create(vals_list)

    @api.model
    def name_create(self, name):
        """Quick-create (a charge's metric list): the code from the name, the service the
        list was opened for (``default_service_id``), or the only service there is."""
        service = self.env["fusion.billing.service"].browse(
            self.env.context.get("default_service_id"))
        if not service:
            services = self.env["fusion.billing.service"].search([], limit=2)
            service = services if len(services) == 1 else service
        if not service:
            raise UserError(self.env._(
                "Choose the plan's service first, or use Create and edit… to say which "
                "service counts %(metric)s.", metric=name))
        metric = self.create({"name": name, "service_id": service.id})
        return metric.id, metric.display_name

    def action_view_usage_periods(self):
        """This metric's usage by billing period: a graph with one unit on its axis."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fusion_centralize_billing.action_fusion_billing_usage_period_metric")
        action["domain"] = [("metric_id", "=", self.id)]
        action["display_name"] = self.env._(
            "%(metric)s by Period, in %(unit)s", metric=self.name,
            unit=words.units(self.unit_name)) if self.unit_name else self.env._(
            "%(metric)s by Period", metric=self.name)
        return action

    def _fc_rule(self):
        """What judging a push needs of this metric. :rtype: engine.ingest.MetricRule"""
        self.ensure_one()
        return ingest.MetricRule(
            self.aggregation, self.field_name or "value", self.recurring, self.replay_policy
        )

    @api.constrains("aggregation", "recurring")
    def _check_aggregation(self):
        for metric in self:
            try:
                catalogue.validate_metric(metric.aggregation, metric.recurring)
            except ValidationFailure as error:
                raise ValidationError(self.env._(
                    "Metric %(code)s is not coherent: %(problems)s",
                    code=metric.code, problems="; ".join(error.lines()),
                )) from error
