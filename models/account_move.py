# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Invoices as the billing API shows them: the service they belong to and a public id;
what a cancelled invoice does to the usage it billed."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import serializers
from ..engine.errors import ValidationFailure
from ..engine.money import to_cents
from .fusion_billing_lago_mixin import fill_missing_uuids, new_uuids


class AccountMove(models.Model):
    _inherit = "account.move"

    x_fc_lago_id = fields.Char(string="API ID", readonly=True, copy=False, index=True)
    x_fc_service_id = fields.Many2one(
        "fusion.billing.service", string="Billing Service", readonly=True, copy=False,
        index="btree_not_null", help="The app whose subscription this invoice bills.",
    )
    x_fc_subscription_id = fields.Many2one(
        "sale.order", string="App Subscription", readonly=True, copy=False,
        index="btree_not_null",
        help="The app subscription this invoice bills (the first one when it bills several).",
    )
    x_fc_subscription_ids = fields.Many2many(
        "sale.order", "fusion_billing_invoice_subscription_rel", "move_id", "order_id",
        string="App Subscriptions", readonly=True, copy=False,
        help="Every app subscription this invoice bills: native invoicing puts one "
        "customer's orders on one invoice.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        new_uuids(vals_list, "x_fc_lago_id", condition=lambda vals: vals.get("x_fc_service_id"))
        return super().create(vals_list)

    def write(self, vals):
        # Native invoicing creates the invoice; its service is set right after.
        if vals.get("x_fc_service_id") and len(self) == 1 and not self.x_fc_lago_id:
            new_uuids([vals], "x_fc_lago_id")
        if "state" not in vals:
            return super().write(vals)
        # A cancelled invoice bills nothing: its usage goes back to the subscription's
        # next invoice; reset to draft, it takes back what no other invoice took since.
        turning = self.filtered(
            lambda move: move.x_fc_service_id and (move.state == "cancel") != (
                vals["state"] == "cancel"))
        result = super().write(vals)
        turning._fc_sync_usage()
        return result

    def _fc_sync_usage(self):
        """After a move entered or left the cancelled state: its usage lines' usage rows
        follow, and a line whose usage went on another invoice meanwhile is removed from
        this (draft) one, with a note, so it is never billed twice."""
        # Accountants cancel invoices without the billing groups: the usage is the
        # system's to move.
        lines = self.sudo().invoice_line_ids.filtered("x_fc_rated_usage_id")
        stale = lines.filtered(lambda line: line.parent_state != "cancel"
                               and line.x_fc_rated_usage_id.invoice_line_id != line)
        lines.x_fc_rated_usage_id._fc_sync_usage_rows()
        for move in self:
            moved = stale.filtered(lambda line, m=move: line.move_id.id == m.id)
            if moved:
                move.message_post(body=Markup("%s<ul>%s</ul>") % (
                    self.env._("This invoice was cancelled; its usage went on a later "
                               "invoice meanwhile, so these lines were removed:"),
                    Markup().join(Markup("<li>%s (%s)</li>") % (
                        line.name, line.x_fc_rated_usage_id.invoice_id.display_name)
                        for line in moved),
                ))
        stale.unlink()

    def init(self):
        result = super().init()
        fill_missing_uuids(self.env, self._table, "x_fc_lago_id",
                           SQL("x_fc_service_id IS NOT NULL"))
        return result

    def _fc_api_values(self):
        """What ``engine.serializers.invoice`` needs."""
        self.ensure_one()
        exponent = self.currency_id.decimal_places
        link = self.x_fc_subscription_id.x_fc_account_link_id

        def cents(amount):
            return to_cents(str(amount), exponent)

        return {
            "lago_id": self.x_fc_lago_id, "sequential_id": self.id,
            "number": self.name if self.name and self.name != "/" else None,
            "issuing_date": self.invoice_date, "payment_due_date": self.invoice_date_due,
            "status": serializers.INVOICE_STATUS.get(self.state, "draft"),
            "payment_status": self._fc_payment_status(),
            "invoice_type": "credit" if self.move_type == "out_refund" else "subscription",
            "currency": self.currency_id.name,
            "fees_amount_cents": cents(self.amount_untaxed),
            "taxes_amount_cents": cents(self.amount_tax),
            "total_amount_cents": cents(self.amount_total),
            "total_due_amount_cents": cents(self.amount_residual),
            "customer": link._fc_api_values() if link else None,
            "external_subscription_id": self.x_fc_subscription_id.x_fc_external_id or None,
            "lago_subscription_id": self.x_fc_subscription_id.x_fc_lago_id or None,
            "created_at": self.create_date, "updated_at": self.write_date,
            "fees": [
                {"lago_id": f"{self.x_fc_lago_id}-{line.id}", "name": line.name,
                 "units": str(line.quantity), "amount_cents": cents(line.price_subtotal),
                 "taxes_amount_cents": cents(line.price_total - line.price_subtotal),
                 "total_amount_cents": cents(line.price_total),
                 "from_date": line.deferred_start_date, "to_date": line.deferred_end_date}
                for line in self.invoice_line_ids
                if line.display_type == "product"
            ],
        }

    def _fc_api_file_url(self):
        """An address the app can fetch the PDF from (the portal's, with its token)."""
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url(report_type="pdf", download=True)

    def _fc_api_retry_payment(self):
        """Charge the customer's saved card for what is still due, through the invoice's
        payment provider (Stripe). Never for a shadow service.

        :raise ValidationFailure: with the reason it cannot be tried
        """
        self.ensure_one()
        if self.x_fc_service_id.mode != "live":
            raise ValidationFailure({"invoice": ["service_in_shadow_mode"]})
        if self.state != "posted" or self.payment_state in ("paid", "in_payment", "reversed"):
            raise ValidationFailure({"invoice": ["invalid_payment_status"]})
        token = self.env["payment.token"].search(
            [("partner_id", "=", self.partner_id.commercial_partner_id.id)],
            order="id desc", limit=1)
        if not token:
            raise ValidationFailure({"invoice": ["no_payment_method"]})
        transaction = self.env["payment.transaction"].create({
            "provider_id": token.provider_id.id,
            "payment_method_id": token.payment_method_id.id,
            "token_id": token.id,
            "partner_id": self.partner_id.id,
            "amount": self.amount_residual,
            "currency_id": self.currency_id.id,
            "operation": "offline",
            "invoice_ids": [(6, 0, self.ids)],
        })
        transaction._charge_with_token()
        return transaction
