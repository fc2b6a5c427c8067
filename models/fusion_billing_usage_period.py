# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import usage as usage_rules
from ..engine.pricing import words
from .fusion_billing_rated_usage import RATED_USAGE_STATES

# Each figure of engine.usage.MetricStats, over a subscription's rows not rated yet (the
# open period) or, for the carried figures of recurring metrics, over all its rows.
_OPEN = "u.state = 'pushed'"
_FIGURES = {
    "count": f"COUNT(*) FILTER (WHERE {_OPEN})",
    "total": f"SUM(u.quantity) FILTER (WHERE {_OPEN})",
    "peak": f"MAX(u.quantity) FILTER (WHERE {_OPEN})",
    "last": "(ARRAY_AGG(u.quantity ORDER BY u.timestamp DESC, u.id DESC)"
            f" FILTER (WHERE {_OPEN}))[1]",
    "distinct": f"COUNT(DISTINCT u.unique_key) FILTER (WHERE {_OPEN})",
    "balance": "SUM(u.quantity)",
    "keys_to_date": "COUNT(DISTINCT u.unique_key)",
}


def _units_sql():
    """The open period's units in SQL: the figure engine.usage.unit_figure names for the
    metric's aggregation, so the analysis counts exactly as the rating does."""
    cases = SQL(" ").join(
        SQL("WHEN m.aggregation = %s AND (m.recurring IS TRUE) = %s THEN " + _FIGURES[figure],
            aggregation, recurring)
        for (aggregation, recurring), figure in usage_rules.UNIT_FIGURES.items()
    )
    return SQL("COALESCE(CASE %s END, 0)", cases)


def _additive_sql():
    cases = SQL(" ").join(
        SQL("WHEN m.aggregation = %s AND (m.recurring IS TRUE) = %s THEN %s",
            aggregation, recurring, usage_rules.additive(aggregation, recurring))
        for aggregation, recurring in usage_rules.UNIT_FIGURES
    )
    return SQL("CASE %s ELSE FALSE END", cases)


class FusionBillingUsagePeriod(models.Model):
    """Usage by subscription, metric and billing period, in the metric's own aggregation.

    A closed period shows the units its rating billed (``fusion.billing.rated.usage``);
    the open period shows the units the rating would bill now: the pushes not rated yet,
    aggregated as the metric says (a peak is a maximum, unique users are counted once, a
    recurring metric carries its balance). Raw pushes added up mean nothing for most
    aggregations; these figures are the ones on the invoices.
    """

    _name = "fusion.billing.usage.period"
    _description = "Usage by Period"
    _inherit = ["fusion.billing.per.metric.mixin"]
    _auto = False
    _order = "period_start desc, subscription_id, metric_id"
    _fc_per_metric_fields = ("units", "amount")
    # A subscription's periods add up for sums and counts only.
    _fc_owner_field = "subscription_id"
    _fc_additive_field = "additive"

    subscription_id = fields.Many2one("sale.order", readonly=True)
    service_id = fields.Many2one("fusion.billing.service", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    metric_id = fields.Many2one("fusion.billing.metric", readonly=True)
    unit_name = fields.Char(related="metric_id.unit_name", string="Unit Name")
    unit_label = fields.Char(string="Unit", compute="_compute_unit_label",
                             help="The metric's unit, in the plural where the units take it.")
    aggregation = fields.Selection(related="metric_id.aggregation", readonly=True)
    additive = fields.Boolean(
        readonly=True, help="Whether periods of this metric add up (sums and counts).")
    period_start = fields.Date(string="Period", readonly=True)
    period_end = fields.Date(readonly=True,
                             help="Last day of the period (empty: not known yet).")
    status = fields.Selection(
        [("open", "Open Period"), *RATED_USAGE_STATES], readonly=True,
        help="Open Period: units so far, not rated yet. The others: the rated period's "
        "billing (Reconciliation Only: a shadow period).",
    )
    units = fields.Float(digits=(20, 6), readonly=True,
                         help="Billed units of a closed period; units so far of the open one.")
    amount = fields.Monetary(
        string="Rated Amount", readonly=True,
        help="What the closed period's charge cost; empty for the open period (see the "
        "subscription's Usage So Far).")

    @api.depends("metric_id.unit_name", "units")
    def _compute_unit_label(self):
        for row in self:
            row.unit_label = words.units(row.metric_id.unit_name, str(row.units))

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT r.id::bigint * 2 AS id, r.subscription_id, r.service_id, r.partner_id,
                   r.company_id, r.metric_id, %(closed_additive)s AS additive,
                   r.period_start, r.period_end, r.state AS status, r.units, r.amount
              FROM fusion_billing_rated_usage r
              JOIN fusion_billing_metric m ON m.id = r.metric_id
            UNION ALL
            SELECT (u.subscription_id::bigint * 100000 + u.metric_id) * 2 + 1,
                   u.subscription_id, o.x_fc_service_id, o.partner_id, o.company_id,
                   u.metric_id, %(additive)s, GREATEST(COALESCE(o.x_fc_usage_start,
                   o.start_date), (SELECT MAX(rated.period_end) + 1
                                     FROM fusion_billing_rated_usage rated
                                    WHERE rated.subscription_id = o.id)),
                   o.x_fc_usage_end - 1, 'open', %(units)s, NULL
              FROM fusion_billing_usage u
              JOIN fusion_billing_metric m ON m.id = u.metric_id
              JOIN sale_order o ON o.id = u.subscription_id
             WHERE o.state != 'cancel' AND (u.state = 'pushed' OR m.recurring)
             GROUP BY u.subscription_id, u.metric_id, o.id, m.id
            HAVING BOOL_OR(u.state = 'pushed') OR m.recurring
            """,
            closed_additive=_additive_sql(), additive=_additive_sql(), units=_units_sql(),
        )
