# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    x_fc_rated_usage_id = fields.Many2one(
        "fusion.billing.rated.usage", string="Rated Usage", readonly=True, copy=False,
        index="btree_not_null", ondelete="set null",
        help="The rated usage this line bills. It stays on a cancelled invoice's line as "
        "history, while the usage itself goes back to the subscription's next invoice.",
    )

    def unlink(self):
        """A deleted draft usage line gives its usage back: it goes on the next invoice."""
        rated = self.env["fusion.billing.rated.usage"].sudo().search(
            [("invoice_line_id", "in", self.ids)]
        )
        result = super().unlink()
        rated._fc_sync_usage_rows()
        return result
