# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

RATED_USAGE_STATES = [
    ("to_invoice", "To Invoice"),
    ("invoiced", "Invoiced"),
    ("nothing", "Nothing to Bill"),
    ("shadow", "Reconciliation Only"),
]


class FusionBillingRatedUsage(models.Model):
    """What one usage charge of a subscription cost over one closed period.

    Written once by the rating (``sale.order._fc_rate_closed_periods``) with the engine's
    figures, then linked to the native invoice line that bills it. A period is rated
    once: (subscription, charge, period start) is unique. In shadow mode the row is only
    evidence for the dual-run reconciliation and is never invoiced.
    """

    _name = "fusion.billing.rated.usage"
    _description = "Rated Usage"
    _inherit = ["fusion.billing.per.metric.mixin"]
    _fc_per_metric_fields = ("units", "included_units", "billable_units")
    _order = "period_start desc, subscription_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(string="Description", required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    subscription_id = fields.Many2one(
        "sale.order", required=True, index=True, ondelete="restrict", readonly=True,
        check_company=True,
    )
    service_id = fields.Many2one(related="subscription_id.x_fc_service_id", store=True)
    company_id = fields.Many2one(related="subscription_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="subscription_id.partner_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    charge_id = fields.Many2one(
        "fusion.billing.charge", required=True, ondelete="restrict", readonly=True,
    )
    metric_id = fields.Many2one(related="charge_id.metric_id", store=True)
    unit_name = fields.Char(related="charge_id.metric_id.unit_name", string="Unit")
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True, help="Last day of the period.")
    units = fields.Float(digits=(20, 6), readonly=True)
    included_units = fields.Float(digits=(20, 6), readonly=True)
    billable_units = fields.Float(digits=(20, 6), readonly=True)
    amount = fields.Monetary(readonly=True)
    precise_amount = fields.Char(readonly=True, help="The amount before rounding to the cent.")
    amount_details = fields.Json(readonly=True, help="How the pricing model reached the amount.")
    shadow = fields.Boolean(readonly=True, help="Rated while the service was in shadow mode.")
    invoice_line_id = fields.Many2one(
        "account.move.line", readonly=True, index="btree_not_null", ondelete="set null",
        copy=False,
    )
    invoice_id = fields.Many2one(related="invoice_line_id.move_id", string="Invoice")
    state = fields.Selection(
        RATED_USAGE_STATES, compute="_compute_state", store=True, index=True,
    )

    _period_uniq = models.Constraint(
        "UNIQUE(subscription_id, charge_id, period_start)",
        "This charge is already rated for this period.",
    )

    @api.depends("shadow", "amount", "invoice_line_id", "invoice_line_id.parent_state")
    def _compute_state(self):
        for rated in self:
            if rated.shadow:
                rated.state = "shadow"
            elif rated.invoice_line_id and rated.invoice_line_id.parent_state != "cancel":
                rated.state = "invoiced"
            elif rated.currency_id.is_zero(rated.amount):
                rated.state = "nothing"
            else:
                rated.state = "to_invoice"

    def _fc_invoice_line_values(self):
        """The native invoice line that bills this usage: one line of the charge's product
        for the rated amount, its text saying what is paid for, its deferred period the
        usage period (taxes come from the product, as for any line)."""
        self.ensure_one()
        return {
            "product_id": self.charge_id.product_id.id,
            "name": self.name,
            "quantity": 1.0,
            "price_unit": self.amount,
            "deferred_start_date": self.period_start,
            "deferred_end_date": self.period_end,
            "x_fc_rated_usage_id": self.id,
        }

    def _fc_sync_usage_rows(self):
        """Give these ratings' usage rows the state their invoicing has now: ``invoiced``
        while a live invoice line bills them, ``rated`` otherwise (a deleted line, a
        cancelled invoice: the usage then goes on the subscription's next invoice)."""
        if not self:
            return
        self.flush_recordset(["state"])
        invoiced = self.filtered(lambda rated: rated.state == "invoiced")
        self.env["fusion.billing.usage"].flush_model(["state", "rated_usage_id"])
        self.env.execute_query(SQL(
            """
            UPDATE fusion_billing_usage
               SET state = CASE WHEN rated_usage_id = ANY(%s) THEN 'invoiced' ELSE 'rated' END
             WHERE rated_usage_id IN %s
            """,
            invoiced.ids, tuple(self.ids),
        ))
        self.env["fusion.billing.usage"].invalidate_model(["state"])
