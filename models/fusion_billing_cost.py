# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

ALLOCATION_STATES = [
    ("direct", "Customer Known"),
    ("pending", "To Allocate"),
    ("allocated", "Allocated"),
    ("unallocated", "Not Allocated"),
]


class FusionBillingCost(models.Model):
    """What a provider cost a service on one day, for one customer when the source knows
    it: the cost of goods sold beside the revenue of the margin report.

    One row per ``(service, source, provider, customer, day)``: a resend of that key
    replaces the figures and keeps the replaced ones as a revision
    (:class:`FusionBillingCostRevision`); an identical resend changes nothing. The amount
    is in the company's currency, converted with Odoo's rate of the cost's day when the
    source reported another currency (kept beside it). Rows are written in bulk SQL by
    :meth:`_fc_ingest` (``fusion_billing_cost_ingest.py``): the API, the CSV upload and
    the bridge all go through it. A cost without a customer is shared out among the
    service's customers by the service's allocation rule for its provider.
    """

    _name = "fusion.billing.cost"
    _description = "Provider Cost"
    # The latest received first: the primary key orders a million rows for free.
    _order = "id desc"
    _check_company_auto = True

    service_id = fields.Many2one(
        "fusion.billing.service", required=True, readonly=True, ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    provider_id = fields.Many2one(
        "fusion.billing.provider", required=True, readonly=True, ondelete="restrict",
    )
    date = fields.Date(required=True, readonly=True, help="The day the cost is for.")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, ondelete="restrict",
        help="The customer the source charged this cost to; empty when it does not know.",
    )
    plan_id = fields.Many2one(
        "sale.subscription.plan", readonly=True,
        help="The plan of the customer's subscription of the service on that day.",
    )
    metric_id = fields.Many2one(
        "fusion.billing.metric", string="Billable Metric", readonly=True, check_company=True,
        help="The metric whose units this cost buys (its units are in the metric's unit).",
    )
    source = fields.Char(
        required=True, readonly=True,
        help="Who reported the cost: api, csv, or the model a bridge reads.",
    )
    amount = fields.Monetary(readonly=True, help="In the company's currency.")
    original_amount = fields.Monetary(
        currency_field="original_currency_id", readonly=True,
        help="As the source reported it, when in another currency.",
    )
    original_currency_id = fields.Many2one("res.currency", readonly=True)
    exchange_rate = fields.Float(
        digits=0, readonly=True,
        help="Company currency for one unit of the original currency: Odoo's rate of the "
        "cost's day.",
    )
    quantity = fields.Float(digits=(20, 6), readonly=True, help="Units the provider billed.")
    unit = fields.Char(readonly=True)
    revision = fields.Integer(
        readonly=True, default=0, help="How many times a resend replaced the figures.",
    )
    revised_date = fields.Datetime(string="Last Replaced", readonly=True)
    revision_ids = fields.One2many(
        "fusion.billing.cost.revision", "cost_id", string="Replaced Figures", readonly=True,
    )
    allocation_state = fields.Selection(
        ALLOCATION_STATES, required=True, readonly=True, default="direct",
    )
    allocation_note = fields.Char(
        readonly=True, help="Why a cost without a customer is not shared out.",
    )
    allocation_ids = fields.One2many(
        "fusion.billing.cost.allocation", "cost_id", string="Allocations", readonly=True,
    )
    lago_id = fields.Char(string="API ID", readonly=True, copy=False)

    # The key of a cost; customer-less costs count as customer 0 (one per day too).
    # Its order also serves the monthly sums: one customer's month is one range of it.
    _key_uniq = models.UniqueIndex(
        "(service_id, provider_id, COALESCE(partner_id, 0), date, source)",
        "This source already reported a cost of this provider for this customer and day.",
    )
    # What the allocation reads: the service's costs without a customer.
    _pending_idx = models.Index(
        "(allocation_state, service_id, provider_id, date) WHERE partner_id IS NULL",
    )

    @api.depends("provider_id.name", "date", "amount")
    def _compute_display_name(self):
        for cost in self:
            cost.display_name = self.env._(
                "%(provider)s, %(day)s", provider=cost.provider_id.name or "",
                day=cost.date or "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        # Costs come in through _fc_ingest (API, CSV, bridge), which keeps their trace.
        if not self.env.su:
            self.check_access("create")
            raise UserError(self.env._(
                "Costs come from their sources (the API, a CSV upload or a bridge) and "
                "are not typed in."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")
            raise UserError(self.env._(
                "A cost is changed by its source sending it again, which keeps the "
                "replaced figures."))
        return super().write(vals)

    def _fc_api_values_many(self, known=None):
        """What ``engine.costs.cost_object`` needs of each cost, in the order of ``self``,
        in one query (the API's hot path).

        :param dict known: values already known by id (costs a batch just created)
        """
        known = known or {}
        missing = [cost_id for cost_id in self.ids if cost_id not in known]
        if not missing:
            return [known[cost_id] for cost_id in self.ids]
        self.env.flush_all()
        rows = self.env.execute_query_dict(SQL(
            """
            SELECT c.id, c.lago_id, p.code AS provider, c.date, l.external_id
                   AS external_customer_id, c.amount::text AS amount, cur.name AS currency,
                   cur.decimal_places AS exponent, c.original_amount::text AS original_amount,
                   ocur.name AS original_currency, ocur.decimal_places AS original_exponent,
                   c.exchange_rate::text AS rate, c.quantity::text AS units, c.unit,
                   m.code AS billable_metric_code, c.source, c.revision,
                   c.create_date AS created_at, c.write_date AS updated_at
              FROM fusion_billing_cost c
              JOIN fusion_billing_provider p ON p.id = c.provider_id
              JOIN res_company co ON co.id = c.company_id
              JOIN res_currency cur ON cur.id = co.currency_id
              LEFT JOIN res_currency ocur ON ocur.id = c.original_currency_id
              LEFT JOIN fusion_billing_metric m ON m.id = c.metric_id
              LEFT JOIN LATERAL (
                    SELECT external_id FROM fusion_billing_account_link
                     WHERE service_id = c.service_id AND partner_id = c.partner_id
                     ORDER BY id LIMIT 1) l ON TRUE
             WHERE c.id = ANY(%s)
            """,
            missing,
        ))
        by_id = dict(known)
        for row in rows:
            for field in ("amount", "original_amount", "rate", "units"):
                row[field] = None if row[field] is None else Decimal(row[field])
            by_id[row.pop("id")] = row
        return [by_id[cost_id] for cost_id in self.ids]


class FusionBillingCostRevision(models.Model):
    """The figures a resend replaced: the trace of a cost's corrections."""

    _name = "fusion.billing.cost.revision"
    _description = "Replaced Cost Figures"
    _order = "id desc"

    cost_id = fields.Many2one(
        "fusion.billing.cost", required=True, readonly=True, index=True, ondelete="cascade",
    )
    company_id = fields.Many2one(related="cost_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Previous Amount", readonly=True)
    new_amount = fields.Monetary(readonly=True)
    original_amount = fields.Monetary(
        string="Previous Original Amount", currency_field="original_currency_id",
        readonly=True,
    )
    original_currency_id = fields.Many2one("res.currency", readonly=True)
    exchange_rate = fields.Float(digits=0, readonly=True)
    quantity = fields.Float(string="Previous Quantity", digits=(20, 6), readonly=True)
    unit = fields.Char(string="Previous Unit", readonly=True)
    metric_id = fields.Many2one("fusion.billing.metric", string="Previous Metric", readonly=True)
