# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""What one unit of a metric costs, and the charges priced below it."""

from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import margin

UNIT_DIGITS = (16, 6)  # a unit often costs a fraction of a cent


class FusionBillingMetric(models.Model):
    _inherit = "fusion.billing.metric"

    unit_cost = fields.Float(
        digits=UNIT_DIGITS, compute="_compute_unit_cost",
        help="What the providers cost per unit of this metric over the last 90 days: the "
        "costs reported for it over the units they report (empty: none reported).",
    )
    unit_cost_known = fields.Boolean(compute="_compute_unit_cost")

    def _compute_unit_cost(self):
        costs = self._origin._fc_unit_costs()
        for metric in self:
            cost = costs.get(metric._origin.id)
            metric.unit_cost = float(cost) if cost is not None else 0.0
            metric.unit_cost_known = cost is not None

    def _fc_unit_costs(self):
        """Each metric's unit cost over the last 90 days as an unrounded ``Decimal``
        (absent: unknown).

        :return: metric id -> Decimal
        :rtype: dict
        """
        if not self.ids:
            return {}
        today = fields.Date.context_today(self)
        first = today - timedelta(days=margin.UNIT_COST_DAYS - 1)
        self.env["fusion.billing.cost"].flush_model()
        rows = self.env.execute_query(SQL(
            "SELECT metric_id, SUM(amount)::text, SUM(quantity)::text"
            "  FROM fusion_billing_cost"
            " WHERE metric_id = ANY(%s) AND quantity > 0 AND date >= %s AND date <= %s"
            " GROUP BY metric_id",
            self.ids, first, today,
        ))
        return {metric_id: margin.unit_cost(Decimal(amount), Decimal(units))
                for metric_id, amount, units in rows}


class FusionBillingCharge(models.Model):
    _inherit = "fusion.billing.charge"

    lowest_unit_price = fields.Float(
        string="Lowest Price per Unit", digits=UNIT_DIGITS,
        compute="_compute_below_cost",
        help="What one more unit brings where this pricing is cheapest (empty for a "
        "percentage).",
    )
    unit_cost = fields.Float(related="metric_id.unit_cost", string="Unit Cost")
    unit_cost_known = fields.Boolean(related="metric_id.unit_cost_known")
    below_cost = fields.Boolean(
        string="Priced Below Cost", compute="_compute_below_cost",
        help="Past some volume (or always) each unit is sold for less than it costs.",
    )

    @api.depends("charge_model", "properties", "metric_id")
    def _compute_below_cost(self):
        costs = self.metric_id._origin._fc_unit_costs()
        for charge in self:
            price = margin.lowest_unit_price(charge.charge_model, charge.properties)
            charge.lowest_unit_price = float(price) if price is not None else 0.0
            cost = costs.get(charge.metric_id._origin.id)
            charge.below_cost = margin.priced_below_cost(price, cost)
