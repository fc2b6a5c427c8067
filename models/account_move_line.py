# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import SQL


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def unlink(self):
        """A deleted draft usage line gives its usage back: it goes on the next invoice."""
        rated = self.env["fusion.billing.rated.usage"].sudo().search(
            [("invoice_line_id", "in", self.ids)]
        )
        result = super().unlink()
        if rated:
            self.env.flush_all()
            self.env.execute_query(SQL(
                "UPDATE fusion_billing_usage SET state = 'rated' WHERE rated_usage_id IN %s",
                tuple(rated.ids),
            ))
            self.env["fusion.billing.usage"].invalidate_model(["state"])
        return result
