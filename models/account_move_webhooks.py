# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The invoice events the apps receive: created, payment status updated, voided, and the
credit note of a service invoice. Each is queued in the transaction of its change."""

from odoo import fields, models

from ..engine import serializers

PAYMENT_STATUS_KEY = "fusion_centralize_billing.payment_status"


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "fusion.billing.webhook.source"]

    x_fc_payment_status = fields.Char(
        string="Announced Payment Status", readonly=True, copy=False,
        help="The payment status the app was last told of (Lago's pending, succeeded or "
        "failed); empty until the invoice is announced.",
    )

    def _fc_payment_status(self):
        """Lago's payment status: Odoo's payment state, or ``failed`` when the last
        payment attempt of an unpaid invoice failed."""
        self.ensure_one()
        last = self.sudo().transaction_ids.sorted("id")[-1:]
        return serializers.payment_status(self.payment_state, last.state == "error")

    def _fc_payment_status_domain(self, lago_status):
        """The invoices whose :meth:`_fc_payment_status` is ``lago_status``. A failed
        charge is not an Odoo payment state: it is read from the status the app was
        last told (updated in the transaction of the failure)."""
        if lago_status == "failed":
            return [("x_fc_payment_status", "=", "failed")]
        return [("payment_state", "in", serializers.odoo_values(
                    serializers.PAYMENT_STATUS, lago_status)),
                ("x_fc_payment_status", "!=", "failed")]

    def _fc_webhook_object(self):
        self.ensure_one()
        values = self._fc_api_values()
        if self.move_type == "out_refund":
            origin = self.reversed_entry_id
            values.update(lago_invoice_id=origin.x_fc_lago_id or None,
                          invoice_number=origin.name or None, description=self.ref or None)
            return "credit_note", serializers.credit_note(values)
        return "invoice", serializers.invoice(values, with_fees=True)

    # === HOOKS === #

    def _post(self, soft=True):
        # A credit note of a service invoice belongs to the same service and subscription.
        for refund in self.filtered(lambda m: m.move_type == "out_refund"
                                    and not m.x_fc_service_id
                                    and m.reversed_entry_id.x_fc_service_id):
            refund.write({
                "x_fc_service_id": refund.reversed_entry_id.x_fc_service_id.id,
                "x_fc_subscription_id": refund.reversed_entry_id.x_fc_subscription_id.id,
            })
        posted = super()._post(soft)
        # Announced once: posting again after a reset to draft is not a new invoice.
        for move in posted.filtered(lambda m: m.x_fc_service_id and not m.x_fc_payment_status
                                    and m.move_type in ("out_invoice", "out_refund")):
            event = "credit_note.created" if move.move_type == "out_refund" \
                else "invoice.created"
            move._fc_webhook_enqueue(event)
            move.x_fc_payment_status = move._fc_payment_status()
        return posted

    def write(self, vals):
        voided = self.browse()
        if vals.get("state") == "cancel":
            voided = self.filtered(lambda m: m.move_type == "out_invoice" and m.x_fc_service_id
                                   and m.x_fc_payment_status and m.state != "cancel")
        result = super().write(vals)
        voided._fc_webhook_enqueue("invoice.voided")
        return result

    def _compute_payment_state(self):
        result = super()._compute_payment_state()
        # Compared with what the app was told at commit, not here: a reconciliation
        # recomputes the state several times on its way, and only the end counts.
        self.filtered(lambda m: m.x_fc_payment_status and m.move_type == "out_invoice")\
            ._fc_watch_payment_status()
        return result

    def _fc_watch_payment_status(self):
        if not self:
            return
        precommit = self.env.cr.precommit
        if PAYMENT_STATUS_KEY not in precommit.data:
            precommit.data[PAYMENT_STATUS_KEY] = set()
            precommit.add(self.env["account.move"].sudo()._fc_announce_payment_status)
        precommit.data[PAYMENT_STATUS_KEY].update(
            move_id for move_id in self.ids if isinstance(move_id, int))

    def _fc_announce_payment_status(self):
        """Queue ``invoice.payment_status_updated`` for each watched invoice whose payment
        status differs from the one the app was last told (run just before commit)."""
        ids = self.env.cr.precommit.data.pop(PAYMENT_STATUS_KEY, set())
        for move in self.browse(sorted(ids)).exists():
            status = move._fc_payment_status()
            if move.x_fc_payment_status and status != move.x_fc_payment_status:
                move._fc_webhook_enqueue("invoice.payment_status_updated")
                move.x_fc_payment_status = status
        # Runs after the transaction's last flush: flush what this queued.
        self.env.flush_all()
