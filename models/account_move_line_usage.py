# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools.sql import table_exists


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Copied with the line, so the credit note of a usage line is a usage line too: the
    # margin report deducts it from the usage revenue, not from the recurring one.
    x_fc_usage_line = fields.Boolean(
        string="Usage Line", readonly=True, copy=True,
        help="The line bills metered usage (rated by the billing module).",
    )

    def init(self):
        result = super().init()
        # Usage lines written before this field existed (the rated usage's table is made
        # after this one on a first install: nothing to mark then).
        if not table_exists(self.env.cr, "fusion_billing_rated_usage"):
            return result
        self.env.cr.execute(
            "UPDATE account_move_line SET x_fc_usage_line = TRUE WHERE id IN ("
            " SELECT invoice_line_id FROM fusion_billing_rated_usage"
            " WHERE invoice_line_id IS NOT NULL) AND x_fc_usage_line IS NOT TRUE")
        return result
