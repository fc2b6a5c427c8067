# TEST STAND-IN for the Odoo Enterprise module sale_subscription. Never ship it.
# Field and method names as in Odoo 19 Enterprise (shared/docs/odoo19-reference.md §8).
# The recurring invoicing below does only what §8 documents: select in-progress
# subscriptions whose next invoice date is due, invoice prepaid recurring lines and
# postpaid ones with a delivered quantity, set each line's deferred period, post, and
# advance next_invoice_date by the plan's period, then ask the payment of the invoice
# from the subscription's card (payment_token_id) through _do_payment, which does nothing
# here. Nothing else (no charge, no mail, no consolidation, no closing, no upsell).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

SUBSCRIPTION_STATES = [
    ("1_draft", "Quotation"),
    ("2_renewal", "Renewal Quotation"),
    ("3_progress", "In Progress"),
    ("4_paused", "Paused"),
    ("5_renewed", "Renewed"),
    ("6_churn", "Churned"),
    ("7_upsell", "Upsell"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    plan_id = fields.Many2one("sale.subscription.plan", index=True)
    is_subscription = fields.Boolean(compute="_compute_is_subscription", store=True)
    subscription_state = fields.Selection(SUBSCRIPTION_STATES, index=True)
    start_date = fields.Date()
    next_invoice_date = fields.Date()
    end_date = fields.Date()
    payment_token_id = fields.Many2one("payment.token")

    @api.depends("plan_id", "subscription_state")
    def _compute_is_subscription(self):
        for order in self:
            order.is_subscription = bool(order.plan_id) and order.subscription_state != "7_upsell"

    def _recurring_invoice_domain(self, extra_domain=None):
        return [
            ("is_subscription", "=", True),
            ("subscription_state", "=", "3_progress"),
            ("next_invoice_date", "<=", fields.Date.today()),
            *(extra_domain or []),
        ]

    def _get_invoiceable_lines(self, final=False):
        if not self.is_subscription:
            return super()._get_invoiceable_lines(final)
        return self.order_line.filtered(
            lambda line: line.recurring_invoice and (
                line.product_id.invoice_policy == "order" and line.product_uom_qty
                or line._is_postpaid_line() and line.qty_delivered
            )
        )

    @api.model
    def _cron_recurring_create_invoice(self):
        return self._create_recurring_invoice()

    def _create_recurring_invoice(self, batch_size=30):
        subscriptions = self or self.search(self._recurring_invoice_domain(), limit=batch_size)
        invoices = self.env["account.move"]
        for subscription in subscriptions.filtered(lambda s: s._get_invoiceable_lines()):
            invoice = subscription._create_invoices()
            invoice.action_post()
            subscription.next_invoice_date += subscription.plan_id.billing_period
            if subscription.payment_token_id:
                # The card native invoicing charges (docs/enterprise-coupling.md).
                subscription._do_payment(subscription.payment_token_id, invoice)
            invoices |= invoice
        return invoices

    def _do_payment(self, payment_token, invoice, auto_commit=False):
        # Named as in Enterprise (§8); the real one charges the token for the invoice.
        # The stand-in charges nothing: no test reaches a payment provider.
        return self.env["payment.transaction"]


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    recurring_invoice = fields.Boolean(related="product_id.recurring_invoice")

    def _is_postpaid_line(self):
        return self.product_id.invoice_policy == "delivery"

    def _prepare_invoice_line(self, **optional_values):
        values = super()._prepare_invoice_line(**optional_values)
        order = self.order_id
        if self.recurring_invoice and order.is_subscription and order.next_invoice_date:
            start = order.next_invoice_date
            values.update({
                "quantity": self.qty_delivered if self._is_postpaid_line()
                else self.product_uom_qty,
                "deferred_start_date": start,
                "deferred_end_date": start + order.plan_id.billing_period - relativedelta(days=1),
            })
        return values
