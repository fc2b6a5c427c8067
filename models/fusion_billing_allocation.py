# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Allocation of the costs no customer carries (a provider's bill for a whole service)
to the service's customers, by the rule set for the service and provider."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import allocation

METHODS = [
    (allocation.BY_UNITS, "By a Metric's Units"),
    (allocation.EVENLY, "Evenly"),
]
BASIS_PERIODS = [("day", "The Cost's Day"), ("month", "The Cost's Month")]


class FusionBillingAllocationRule(models.Model):
    """How a provider's costs without a customer are shared out among a service's
    customers: in proportion to a metric's units in the period (Maps costs by
    ``map_loads``), or evenly among the customers subscribed then. Each share is stored
    with the rule that produced it; changing a rule shares its costs out again only when
    an administrator asks (**Allocate Again**)."""

    _name = "fusion.billing.allocation.rule"
    _description = "Cost Allocation Rule"
    _inherit = ["mail.thread"]
    _order = "service_id, provider_id"
    _check_company_auto = True

    service_id = fields.Many2one(
        "fusion.billing.service", required=True, ondelete="restrict", check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True)
    provider_id = fields.Many2one(
        "fusion.billing.provider", required=True, ondelete="restrict", tracking=True,
    )
    method = fields.Selection(METHODS, required=True, default=allocation.BY_UNITS,
                              tracking=True)
    metric_id = fields.Many2one(
        "fusion.billing.metric", string="By Metric", check_company=True, tracking=True,
        domain="[('service_id', '=', service_id)]",
        help="The customers' units of this metric in the period weigh their shares.",
    )
    basis_period = fields.Selection(
        BASIS_PERIODS, string="Units Counted Over", required=True, default="month",
        tracking=True,
        help="The period whose units (or subscribed customers) a day's cost is shared by: "
        "its day, or its whole month (for apps that push usage monthly).",
    )
    active = fields.Boolean(default=True, tracking=True)
    allocation_ids = fields.One2many(
        "fusion.billing.cost.allocation", "rule_id", string="Allocations", readonly=True,
    )
    allocated_amount = fields.Monetary(compute="_compute_allocated_amount")
    currency_id = fields.Many2one(related="company_id.currency_id")

    _service_provider_uniq = models.Constraint(
        "UNIQUE(service_id, provider_id)",
        "This service already has an allocation rule for this provider.",
    )

    @api.depends("service_id.name", "provider_id.name")
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = self.env._(
                "%(provider)s on %(service)s", provider=rule.provider_id.name or "",
                service=rule.service_id.name or "")

    def _compute_allocated_amount(self):
        totals = dict(self.env["fusion.billing.cost.allocation"]._read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["amount:sum"]))
        for rule in self:
            rule.allocated_amount = totals.get(rule, 0.0)

    @api.constrains("method", "metric_id", "service_id")
    def _check_metric(self):
        for rule in self:
            if rule.method == allocation.BY_UNITS and not rule.metric_id:
                raise ValidationError(self.env._(
                    "Sharing %(rule)s by units needs the metric whose units count.",
                    rule=rule.display_name))
            if rule.metric_id and rule.metric_id.service_id != rule.service_id:
                raise ValidationError(self.env._(
                    "The metric %(metric)s belongs to another service than %(service)s.",
                    metric=rule.metric_id.code, service=rule.service_id.name))

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        # Costs that waited for a rule can be shared out now.
        rules._fc_costs().filtered(lambda c: c.allocation_state == "unallocated") \
            .sudo()._fc_requeue()
        return rules

    def _fc_costs(self):
        """The costs without a customer this rule shares out."""
        Cost = self.env["fusion.billing.cost"]
        for rule in self:
            Cost |= Cost.search([
                ("service_id", "=", rule.service_id.id), ("provider_id", "=", rule.provider_id.id),
                ("partner_id", "=", False),
            ])
        return Cost

    # === ACTION METHODS === #

    def action_allocate_again(self):
        """Share out this rule's costs again, from scratch (after the rule or the usage
        changed): the previous shares are replaced. Administrators only."""
        self.check_access("write")
        costs = self._fc_costs().sudo()
        costs._fc_requeue()
        costs._fc_allocate()
        for rule in self:
            rule.message_post(body=self.env._(
                "Costs shared out again: %(count)s.", count=len(costs.filtered(
                    lambda c, r=rule: c.service_id == r.service_id
                    and c.provider_id == r.provider_id))))
        return True


class FusionBillingCostAllocation(models.Model):
    """One customer's share of a cost no customer carried, as its rule computed it."""

    _name = "fusion.billing.cost.allocation"
    _description = "Allocated Cost"
    _order = "id desc"
    _check_company_auto = True

    cost_id = fields.Many2one(
        "fusion.billing.cost", required=True, readonly=True, index=True, ondelete="cascade",
    )
    rule_id = fields.Many2one(
        "fusion.billing.allocation.rule", required=True, readonly=True, index=True,
        ondelete="restrict",
    )
    method = fields.Selection(METHODS, required=True, readonly=True)
    service_id = fields.Many2one("fusion.billing.service", required=True, readonly=True)
    company_id = fields.Many2one(related="service_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    provider_id = fields.Many2one("fusion.billing.provider", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True,
                                 ondelete="restrict")
    plan_id = fields.Many2one("sale.subscription.plan", readonly=True)
    amount = fields.Monetary(readonly=True)
    basis_units = fields.Float(
        digits=(20, 6), readonly=True,
        help="The customer's units in the period (1 when shared evenly).",
    )
    basis_total = fields.Float(digits=(20, 6), readonly=True,
                               help="Every customer's units in the period.")

    # The monthly sums read one customer's month of one provider at a time.
    _slice_idx = models.Index("(service_id, provider_id, partner_id, date)")
