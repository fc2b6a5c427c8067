# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..engine import reconcile

# What an administrator may correct by hand (the chatter tracks each of them).
CORRECTABLE_FIELDS = {"odoo_amount", "app_amount", "app_reported"}

RECONCILIATION_STATES = [
    (reconcile.PENDING, "Waiting for the App"),
    (reconcile.MATCHED, "Matched"),
    (reconcile.MISMATCH, "Mismatch"),
]


class FusionBillingReconciliation(models.Model):
    """Dual run: what Odoo computed next to what the app billed, for one customer,
    period and metric (or the period's total when no metric is set). A service is ready
    for cutover when its recent periods match within tolerance."""

    _name = "fusion.billing.reconciliation"
    _description = "Billing Reconciliation Line"
    # Evidence of the dual run: written by the system (rating, the apps' reports), read by
    # Billing Users, corrected by administrators only, every change in the chatter.
    _inherit = ["mail.thread"]
    _order = "period_start desc, service_id, partner_id, id"
    _check_company_auto = True

    service_id = fields.Many2one(
        "fusion.billing.service", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    subscription_id = fields.Many2one("sale.order", check_company=True)
    metric_id = fields.Many2one(
        "fusion.billing.metric", check_company=True,
        help="Empty for the line comparing the period's total.",
    )
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    odoo_amount = fields.Monetary(tracking=True)
    app_amount = fields.Monetary(tracking=True, help="Empty until the app reports it.")
    app_reported = fields.Boolean(
        string="Reported by the App", tracking=True,
        help="Set when the app has reported its amount.")
    tolerance = fields.Monetary(related="service_id.reconciliation_tolerance")
    delta = fields.Monetary(compute="_compute_delta", store=True, help="Odoo minus the app.")
    state = fields.Selection(
        RECONCILIATION_STATES, compute="_compute_delta", store=True, index=True
    )

    _period_check = models.Constraint(
        "CHECK(period_end >= period_start)", "A period cannot end before it starts."
    )
    _line_uniq = models.UniqueIndex(
        "(service_id, partner_id, COALESCE(subscription_id, 0), period_start, period_end,"
        " COALESCE(metric_id, 0))",
        "This subscription, period and metric is already reconciled for this service.",
    )

    @api.depends("partner_id.name", "period_start", "period_end", "metric_id.name")
    def _compute_display_name(self):
        for line in self:
            if not (line.partner_id and line.period_start and line.period_end):
                line.display_name = self.env._("New Reconciliation Line")
                continue
            line.display_name = self.env._(
                "%(customer)s, %(what)s, %(start)s to %(end)s",
                customer=line.partner_id.name,
                what=line.metric_id.name or self.env._("period total"),
                start=format_date(self.env, line.period_start),
                end=format_date(self.env, line.period_end),
            )

    def write(self, vals):
        # Which customer, period and metric a line is about is the system's to say;
        # a person may only correct its amounts.
        if not self.env.su and set(vals) - CORRECTABLE_FIELDS:
            raise UserError(self.env._(
                "Only the amounts of a reconciliation line can be corrected by hand."
            ))
        return super().write(vals)

    @api.depends("odoo_amount", "app_amount", "app_reported", "tolerance", "currency_id")
    def _compute_delta(self):
        for line in self:
            app = line.app_amount if line.app_reported else None
            delta, state = reconcile.compare(line.odoo_amount, app, line.tolerance)
            line.delta = line.currency_id.round(float(delta)) if delta is not None else 0.0
            line.state = state
