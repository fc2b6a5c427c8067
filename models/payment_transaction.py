# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import models

from ..engine import serializers


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _set_error(self, state_message, extra_allowed_states=()):
        """A failed charge of a service invoice: ``invoice.payment_failure`` now, and
        ``invoice.payment_status_updated`` (failed) at commit."""
        failed = super()._set_error(state_message, extra_allowed_states)
        Webhook = self.env["fusion.billing.webhook"]
        for transaction in failed:
            invoices = transaction.invoice_ids.filtered(
                lambda m: m.x_fc_service_id and m.x_fc_payment_status
                and m.move_type == "out_invoice")
            for invoice in invoices:
                Webhook._fc_enqueue(
                    invoice.x_fc_service_id, "invoice.payment_failure", invoice,
                    object_type="payment_provider_invoice_payment_error",
                    obj=serializers.payment_error(
                        invoice._fc_api_values(), transaction.token_id.provider_ref or None,
                        state_message or ""))
            invoices._fc_watch_payment_status()
        return failed
