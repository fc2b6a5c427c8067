# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_date

from ..engine.pricing import words
from .fusion_billing_locale import translator

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
    unit_name = fields.Char(related="charge_id.metric_id.unit_name", string="Unit Name")
    # Short labels for narrow lists (the subscription's Metered Billing tab).
    period_label = fields.Char(string="Period", compute="_compute_labels")
    units_label = fields.Char(string="Usage", compute="_compute_labels")
    unit_label = fields.Char(string="Unit", compute="_compute_labels",
                             help="The metric's unit, in the plural where the units take it.")
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True, help="Last day of the period.")
    units = fields.Float(digits=(20, 6), readonly=True)
    included_units = fields.Float(digits=(20, 6), readonly=True)
    billable_units = fields.Float(digits=(20, 6), readonly=True)
    amount = fields.Monetary(readonly=True, aggregator=None)
    # Totals keep apart what goes on invoices and what only feeds the dual run.
    billed_amount = fields.Monetary(
        string="Billed", compute="_compute_split_amounts", store=True,
        help="The amount of a period rated for the invoice (live).")
    shadow_amount = fields.Monetary(
        string="Reconciliation Only", compute="_compute_split_amounts", store=True,
        help="The amount of a period rated in shadow mode: compared with the app's bill, "
        "never invoiced.")
    precise_amount = fields.Char(readonly=True, help="The amount before rounding to the cent.")
    amount_details = fields.Json(readonly=True, help="How the pricing model reached the amount.")
    amount_details_html = fields.Html(
        string="How the Amount Was Reached", compute="_compute_amount_details_html",
        sanitize=False, help="The breakdown, line by line, adding up to the amount.")
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

    @api.depends("period_start", "period_end", "units", "unit_name")
    def _compute_labels(self):
        for rated in self:
            rated.period_label = self.env._(
                "%(start)s to %(end)s", start=format_date(self.env, rated.period_start),
                end=format_date(self.env, rated.period_end))
            rated.units_label = words.amount_of(str(rated.units), rated.unit_name)
            rated.unit_label = words.units(rated.unit_name, str(rated.units))

    @api.depends("amount_details", "included_units", "amount", "precise_amount")
    def _compute_amount_details_html(self):
        for rated in self:
            rated.amount_details_html = rated._fc_breakdown_table() if rated.amount_details \
                else False

    def _fc_breakdown_table(self):
        """The stored breakdown as a table (every value escaped), its lines adding up to
        the precise amount, then the amount rounded to the cent."""
        self.ensure_one()
        currency = self.currency_id
        lines = words.detail_lines(
            words.model_of(self.amount_details), self.amount_details,
            str(self.included_units or 0), currency=currency.name,
            exponent=currency.decimal_places, unit=self.unit_name,
            locale=translator(self.env))

        def cash(value):
            return words.money(value, currency.name, currency.decimal_places)

        rows = Markup().join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td></tr>") % (text, cash(value))
            for text, value in lines)
        return Markup(
            "<table class='table table-sm o_fc_breakdown'><tbody>%s</tbody><tfoot>"
            "<tr><th>%s</th><th class='text-end'>%s</th></tr></tfoot></table>"
        ) % (rows, self.env._("Amount, rounded to the cent"), currency.format(self.amount))

    @api.depends("shadow", "amount")
    def _compute_split_amounts(self):
        for rated in self:
            rated.billed_amount = 0.0 if rated.shadow else rated.amount
            rated.shadow_amount = rated.amount if rated.shadow else 0.0

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
            "x_fc_usage_line": True,
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
