# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Nothing leaves the database while the pre-flight runs.

Every override below acts only while the context carries the sandbox's Outbox
(``fc_preflight``, see ``preflight_sandbox.py``), writes down what was attempted, and
does nothing else; without it, each one is a plain ``super()``. The pre-flight runs
native code on the production database: a mail, a card charge or a webhook would reach
a real customer even though every row is rolled back afterwards.
"""

from odoo import api, models
from odoo.fields import Domain

from .preflight_sandbox import PREFLIGHT_ORDERS, outbox_of


class IrMailServer(models.Model):
    _inherit = "ir.mail_server"

    def _connect__(self, *args, **kwargs):  # noqa: PLW3201 (Odoo's own name)
        """Override of ``base`` to open no SMTP connection during the pre-flight: no
        session, as Odoo does in its own tests, so senders go on to :meth:`send_email`."""
        outbox = outbox_of(self.env)
        if outbox is None:
            return super()._connect__(*args, **kwargs)
        outbox.record("smtp", server=kwargs.get("mail_server_id") or kwargs.get("host"))
        return None

    @api.model
    def send_email(self, message, *args, **kwargs):
        """Override of ``base`` to send nothing during the pre-flight: the message is
        written down and its id returned, as if sent."""
        outbox = outbox_of(self.env)
        if outbox is None:
            return super().send_email(message, *args, **kwargs)
        outbox.record("mail", to=message["To"], subject=message["Subject"])
        return message["Message-Id"]


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _charge_with_token(self):
        """Override of ``payment`` to charge no card during the pre-flight."""
        outbox = outbox_of(self.env)
        if outbox is None:
            return super()._charge_with_token()
        for transaction in self:
            outbox.record("charge", transaction=transaction.id, token=transaction.token_id.id)
        return None

    def _send_payment_request(self):
        """Override of ``payment`` to reach no payment provider during the pre-flight."""
        outbox = outbox_of(self.env)
        if outbox is None:
            return super()._send_payment_request()
        for transaction in self:
            outbox.record("payment_request", transaction=transaction.id,
                          token=transaction.token_id.id)
        return None


class FusionBillingWebhook(models.Model):
    _inherit = "fusion.billing.webhook"

    @api.model
    def _fc_enqueue(self, service, event_type, record, object_type=None, obj=None):
        """Webhooks queued during the pre-flight are written down; their rows go with the
        rollback, and the drain below never runs meanwhile."""
        outbox = outbox_of(self.env)
        if outbox is not None:
            outbox.record("webhook", event=event_type, service=service.id)
        return super()._fc_enqueue(service, event_type, record, object_type=object_type,
                                   obj=obj)

    @api.model
    def _fc_deliver(self, drains=None, limit=None):
        """Override to deliver nothing during the pre-flight: the drain reads the queue
        on cursors of its own and would send the real customers' due webhooks."""
        outbox = outbox_of(self.env)
        if outbox is None:
            return super()._fc_deliver(drains=drains, limit=limit)
        outbox.record("webhook_delivery")
        return 0

    @api.model
    def _fc_drain(self, commit, limit=None):
        """Override for a drain called directly (a script): nothing is sent either."""
        outbox = outbox_of(self.env)
        if outbox is None:
            return super()._fc_drain(commit, limit=limit)
        outbox.record("webhook_delivery")
        return 0


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _recurring_invoice_domain(self, extra_domain=None):
        """Override of ``sale_subscription`` to narrow the native recurring invoicing to
        the pre-flight's throw-away orders, so the native cron's own method, called as
        the scheduler calls it, never touches a real customer."""
        domain = super()._recurring_invoice_domain(extra_domain)
        order_ids = self.env.context.get(PREFLIGHT_ORDERS)
        if outbox_of(self.env) is None or order_ids is None:
            return domain
        # Enterprise may build its domain as a list or as a Domain: keep its own kind.
        if isinstance(domain, Domain):
            return domain & Domain("id", "in", list(order_ids))
        return [*domain, ("id", "in", list(order_ids))]

    def _do_payment(self, payment_token, invoice, auto_commit=False):
        """Override of ``sale_subscription`` to ask no payment during the pre-flight: the
        card the native run would charge is written down (check 4 reads it)."""
        outbox = outbox_of(self.env)
        if outbox is None:
            return super()._do_payment(payment_token, invoice, auto_commit=auto_commit)
        outbox.record("payment", order=self.id, token=payment_token.id, invoice=invoice.id)
        return self.env["payment.transaction"]
