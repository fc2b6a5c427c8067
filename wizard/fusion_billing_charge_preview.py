# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.fusion_billing_charge import QUANTITY_DIGITS


class FusionBillingChargePreview(models.TransientModel):
    """Prices a typed quantity with a charge, through the same rating as the invoices.

    A dialog of its own, so trying quantities never touches the charge: nothing of it is
    written (its form is not dirtied, its audit trail stays the pricing's), and the
    dialog itself is closed without being saved.
    """

    _name = "fusion.billing.charge.preview"
    _description = "Usage Charge Preview"

    charge_id = fields.Many2one("fusion.billing.charge", required=True, readonly=True,
                                ondelete="cascade")
    charge_model = fields.Selection(related="charge_id.charge_model")
    pricing_summary = fields.Char(related="charge_id.pricing_summary", string="Pricing")
    unit_name = fields.Char(related="charge_id.metric_id.unit_name")
    quantity = fields.Float(
        string="Price a Quantity of", digits=QUANTITY_DIGITS,
        help="A quantity of one period, as the metric aggregates it.",
    )
    events = fields.Integer(
        string="In Events", default=1,
        help="Percentage with per-event rules: how many pushes the quantity came in.",
    )
    preview_html = fields.Html(string="Preview", compute="_compute_preview_html",
                               sanitize=False)

    @api.depends("charge_id", "quantity", "events")
    def _compute_preview_html(self):
        for preview in self:
            preview.preview_html = preview.charge_id._fc_preview_table(
                preview.quantity, preview.events) if preview.charge_id else False
