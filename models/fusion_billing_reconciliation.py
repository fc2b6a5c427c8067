# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..engine import reconcile

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
    odoo_amount = fields.Monetary()
    app_amount = fields.Monetary(help="Empty until the app reports it.")
    app_reported = fields.Boolean(help="Set when the app has reported its amount.")
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

    @api.depends("partner_id.name", "period_start", "period_end", "metric_id.code")
    def _compute_display_name(self):
        for line in self:
            what = line.metric_id.code or self.env._("total")
            line.display_name = (
                f"{line.partner_id.name or ''} {line.period_start or ''}..{line.period_end or ''}"
                f" {what}"
            )

    @api.depends("odoo_amount", "app_amount", "app_reported", "tolerance", "currency_id")
    def _compute_delta(self):
        for line in self:
            app = line.app_amount if line.app_reported else None
            delta, state = reconcile.compare(line.odoo_amount, app, line.tolerance)
            line.delta = line.currency_id.round(float(delta)) if delta is not None else 0.0
            line.state = state
