# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Revenue and margin: read-only SQL views over invoices, costs and their allocations."""

import calendar

from odoo import fields, models, tools
from odoo.fields import Domain
from odoo.orm.models import parse_read_group_spec
from odoo.tools import SQL

# What the margin report reads from the monthly sums when asked for months or coarser.
MONTH_DIMENSIONS = {"company_id", "service_id", "plan_id", "partner_id", "provider_id"}
MONTH_GRANULARITIES = ("month", "quarter", "year")

# Company-currency amounts, as the views compute them.
MONEY = {"readonly": True, "currency_field": "currency_id"}


class FusionBillingRevenueColumns(models.AbstractModel):
    """What the revenue and margin views share: the day, who and what, the revenue."""

    _name = "fusion.billing.revenue.columns"
    _description = "Revenue Columns"

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    service_id = fields.Many2one("fusion.billing.service", readonly=True)
    plan_id = fields.Many2one("sale.subscription.plan", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    recurring_revenue = fields.Monetary(**MONEY)
    usage_revenue = fields.Monetary(**MONEY)
    revenue = fields.Monetary(**MONEY)


class FusionBillingRevenue(models.Model):
    """What each service's subscriptions earned: one row per line of a posted customer
    invoice or credit note of an app subscription, before taxes, in the company's
    currency (a credit note's lines count negative), dated by the invoice.

    A line belongs to the subscription of the order line it invoices, else to the
    subscription of the usage it bills, else to the invoice's subscription. Usage lines
    (``x_fc_usage_line``, copied onto their credit notes) are apart from the recurring
    ones.
    """

    _name = "fusion.billing.revenue"
    _inherit = ["fusion.billing.revenue.columns"]
    _description = "Billing Revenue"
    _auto = False
    _order = "date desc, id desc"
    # What the view reads: pending writes to these are flushed before it is queried.
    _depends = {
        "account.move": ["state", "move_type", "invoice_date", "company_id",
                         "x_fc_service_id", "x_fc_subscription_id"],
        "account.move.line": ["move_id", "balance", "display_type", "x_fc_usage_line",
                              "sale_line_ids"],
        "sale.order": ["x_fc_service_id", "plan_id", "x_fc_plan_id", "partner_id"],
        "sale.order.line": ["order_id"],
        "fusion.billing.rated.usage": ["invoice_line_id", "subscription_id"],
    }

    subscription_id = fields.Many2one("sale.order", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE OR REPLACE VIEW %s AS (
                SELECT l.id, m.invoice_date AS date, m.company_id,
                       o.x_fc_service_id AS service_id,
                       COALESCE(o.plan_id, o.x_fc_plan_id) AS plan_id, o.partner_id,
                       o.id AS subscription_id, m.id AS move_id,
                       CASE WHEN l.x_fc_usage_line THEN 0 ELSE -l.balance END
                           AS recurring_revenue,
                       CASE WHEN l.x_fc_usage_line THEN -l.balance ELSE 0 END
                           AS usage_revenue,
                       -l.balance AS revenue
                  FROM account_move m
                  JOIN account_move_line l
                    ON l.move_id = m.id AND l.display_type = 'product'
                  -- Each line's subscription, found for all lines at once (hash joins):
                  -- the order line it invoices, else the usage it bills, else the
                  -- invoice's subscription.
                  LEFT JOIN (SELECT rel.invoice_line_id, MIN(sol.order_id) AS order_id
                               FROM sale_order_line_invoice_rel rel
                               JOIN sale_order_line sol ON sol.id = rel.order_line_id
                              GROUP BY rel.invoice_line_id) invoiced
                    ON invoiced.invoice_line_id = l.id
                  LEFT JOIN (SELECT invoice_line_id, MIN(subscription_id) AS order_id
                               FROM fusion_billing_rated_usage
                              WHERE invoice_line_id IS NOT NULL
                              GROUP BY invoice_line_id) rated
                    ON rated.invoice_line_id = l.id
                  JOIN sale_order o
                    ON o.id = COALESCE(invoiced.order_id, rated.order_id,
                                       m.x_fc_subscription_id)
                 -- A service's invoices carry their service (credit notes too): the
                 -- rest of the accounting is never read.
                 WHERE m.x_fc_service_id IS NOT NULL AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND o.x_fc_service_id IS NOT NULL
            )
            """,
            SQL.identifier(self._table),
        ))


class FusionBillingMargin(models.Model):
    """The margin report: revenue, cost (direct, allocated, not allocated) and margin per
    service, plan, customer, provider and day.

    Rows are revenue lines, costs and the shares of allocated costs (a cost that was
    shared out counts through its shares only). Read it grouped: every amount sums;
    ``margin_percent`` is computed from the group's sums (margin over revenue), never
    averaged over rows.
    """

    _name = "fusion.billing.margin"
    _inherit = ["fusion.billing.revenue.columns"]
    _description = "Margin"
    _auto = False
    _order = "margin, date desc"
    _depends = {
        "fusion.billing.revenue": ["date", "company_id", "service_id", "plan_id",
                                   "partner_id", "recurring_revenue", "usage_revenue",
                                   "revenue"],
        "fusion.billing.cost": ["date", "company_id", "service_id", "plan_id", "partner_id",
                                "provider_id", "amount", "allocation_state"],
        "fusion.billing.cost.allocation": ["date", "company_id", "service_id", "plan_id",
                                           "partner_id", "provider_id", "amount"],
    }

    provider_id = fields.Many2one("fusion.billing.provider", readonly=True)
    direct_cost = fields.Monetary(**MONEY, help="Costs the sources charged to the customer.")
    allocated_cost = fields.Monetary(
        **MONEY, help="The customer's shares of costs no customer carried.")
    unallocated_cost = fields.Monetary(
        **MONEY, help="Costs without a customer that no rule shared out (yet).")
    cost = fields.Monetary(**MONEY)
    margin = fields.Monetary(**MONEY)
    margin_percent = fields.Float(
        string="Margin (%)", readonly=True, aggregator="avg", digits=(16, 1),
        help="Margin over revenue, of the group's totals; empty without revenue.",
    )

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0,
                    limit=None, order=None):
        """Grouped by month (or quarter, or year) and filtered on whole months, the same
        figures come from the monthly sums (:class:`FusionBillingMarginMonth`): a year of
        daily costs is a million rows, its months a few thousand. Anything finer (a day,
        a date that splits a month, a filter on an amount) reads the days."""
        if self._name == "fusion.billing.margin" and self._fc_months_suffice(domain, groupby):
            return self.env["fusion.billing.margin.month"]._read_group(
                domain, groupby, aggregates, having, offset, limit, order)
        # A million rows make PostgreSQL compile the query (JIT), which takes longer than
        # reading them; off for the rest of this transaction only.
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @staticmethod
    def _fc_months_suffice(domain, groupby):
        for spec in groupby:
            field, _property, granularity = parse_read_group_spec(spec)
            if field == "date":
                if granularity not in MONTH_GRANULARITIES:
                    return False
            elif field not in MONTH_DIMENSIONS or granularity:
                return False
        for condition in Domain(domain or []).iter_conditions():
            root = condition.field_expr.split(".")[0]
            if root in MONTH_DIMENSIONS:
                continue
            if root != "date" or not _whole_months(condition.operator, condition.value):
                return False
        return True

    def _read_group_select(self, aggregate_spec, query):
        # A percent of the group's totals (engine.margin.margin_percent), not a mean of
        # the rows' percents.
        if aggregate_spec not in ("margin_percent:avg", "margin_percent:sum"):
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "100 * SUM(%s) / NULLIF(SUM(%s), 0)",
            self._field_to_sql(self._table, "margin", query),
            self._field_to_sql(self._table, "revenue", query),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE OR REPLACE VIEW %s AS (
                SELECT r.id::bigint * 4 AS id, r.date, r.company_id, r.service_id,
                       r.plan_id, r.partner_id, NULL::integer AS provider_id,
                       r.recurring_revenue, r.usage_revenue, r.revenue,
                       0::numeric AS direct_cost, 0::numeric AS allocated_cost,
                       0::numeric AS unallocated_cost, 0::numeric AS cost,
                       r.revenue AS margin,
                       CASE WHEN r.revenue <> 0 THEN 100.0 END AS margin_percent
                  FROM fusion_billing_revenue r
                UNION ALL
                SELECT c.id::bigint * 4 + 1, c.date, c.company_id, c.service_id, c.plan_id,
                       c.partner_id, c.provider_id, 0, 0, 0,
                       CASE WHEN c.partner_id IS NOT NULL THEN c.amount ELSE 0 END, 0,
                       CASE WHEN c.partner_id IS NULL THEN c.amount ELSE 0 END,
                       c.amount, -c.amount, NULL
                  FROM fusion_billing_cost c
                 WHERE c.allocation_state != 'allocated'
                UNION ALL
                SELECT a.id::bigint * 4 + 2, a.date, a.company_id, a.service_id, a.plan_id,
                       a.partner_id, a.provider_id, 0, 0, 0, 0, a.amount, 0, a.amount,
                       -a.amount, NULL
                  FROM fusion_billing_cost_allocation a
            )
            """,
            SQL.identifier(self._table),
        ))


class FusionBillingMarginMonth(models.Model):
    """The margin report by month: revenue lines dated by their month, and the monthly
    sums of the costs (:class:`~.fusion_billing_cost_month.FusionBillingCostMonth`).
    :class:`FusionBillingMargin` reads it when months are all it is asked for."""

    _name = "fusion.billing.margin.month"
    _inherit = ["fusion.billing.margin"]
    _description = "Margin by Month"
    _auto = False
    _depends = {
        "fusion.billing.revenue": FusionBillingMargin._depends["fusion.billing.revenue"],
        "fusion.billing.cost.month": ["month", "company_id", "service_id", "plan_id",
                                      "partner_id", "provider_id", "direct_cost",
                                      "allocated_cost", "unallocated_cost"],
    }

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE OR REPLACE VIEW %s AS (
                SELECT r.id::bigint * 2 AS id, date_trunc('month', r.date)::date AS date,
                       r.company_id, r.service_id, r.plan_id, r.partner_id,
                       NULL::integer AS provider_id, r.recurring_revenue, r.usage_revenue,
                       r.revenue, 0::numeric AS direct_cost, 0::numeric AS allocated_cost,
                       0::numeric AS unallocated_cost, 0::numeric AS cost,
                       r.revenue AS margin,
                       CASE WHEN r.revenue <> 0 THEN 100.0 END AS margin_percent
                  FROM fusion_billing_revenue r
                UNION ALL
                SELECT m.id::bigint * 2 + 1, m.month, m.company_id, m.service_id, m.plan_id,
                       m.partner_id, m.provider_id, 0, 0, 0, m.direct_cost, m.allocated_cost,
                       m.unallocated_cost,
                       m.direct_cost + m.allocated_cost + m.unallocated_cost,
                       -(m.direct_cost + m.allocated_cost + m.unallocated_cost), NULL
                  FROM fusion_billing_cost_month m
            )
            """,
            SQL.identifier(self._table),
        ))


def _whole_months(operator, value):
    """Whether a date condition keeps or drops whole months only (``>=`` a first day,
    ``<=`` a last day, ...): then the monthly sums answer it exactly."""
    try:
        day = fields.Date.to_date(value)
    except (TypeError, ValueError):
        return False
    if not day:
        return False
    last = calendar.monthrange(day.year, day.month)[1]
    return (operator in (">=", "<") and day.day == 1) or (
        operator in ("<=", ">") and day.day == last)
