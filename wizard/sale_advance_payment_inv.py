# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    def _create_invoices(self, sale_orders):
        """Shadow never bills: down payments included (they do not go through the
        order's ``_create_invoices``)."""
        sale_orders._fc_check_not_shadow()
        return super()._create_invoices(sale_orders)
