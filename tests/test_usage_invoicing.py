# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Usage on invoices beyond the quiet path: a cancelled invoice gives its usage to the
next one, and an invoice of several subscriptions bills and records each of them."""

from decimal import Decimal

from odoo.tests import freeze_time, tagged

from .usage_common import UsageCommon

D = Decimal
# What _october() costs: 15 calls graduated (10 x 1 + 2 flat + 5 x 1), 120.5 GB in the
# 100+ volume tier at 0.05 (6.025 half-up), 3 seats at 5.
OCTOBER = {"api_calls": D("17.00"), "storage": D("6.03"), "seats": D("15.00")}


@tagged("post_install", "-at_install")
class TestUsageInvoicing(UsageCommon):
    def _october(self, sub="sub-1"):
        e = self._event
        self._push([e("calls-a", "api_calls", "10", sub=sub),
                    e("calls-b", "api_calls", "5", sub=sub),
                    e("gb-1", "storage", "80", sub=sub), e("gb-2", "storage", "120.5", sub=sub),
                    e("seats-1", "seats", "3", sub=sub)])

    def _usage_lines(self, invoices):
        return invoices.invoice_line_ids.filtered(lambda line: line.product_id == self.product)

    def _billed(self, subscription):
        """The rated usage with an amount, and the usage rows it stamped."""
        rated = subscription.x_fc_rated_usage_ids.filtered(lambda r: r.state != "nothing")
        return rated, subscription.x_fc_usage_ids.filtered(lambda u: u.rated_usage_id in rated)

    def _invoice(self, orders, day):
        with freeze_time(f"{day} 09:00:00"):
            invoice = orders._create_invoices()
            invoice.action_post()
        return invoice

    def test_a_cancelled_invoice_gives_its_usage_to_the_next_one(self):
        subscription = self._subscription()
        self._october()
        first = self._invoice(subscription, "2026-11-02")
        rated, rows = self._billed(subscription)
        self.assertEqual(len(rated), 3)
        self.assertEqual(set(rated.mapped("state")), {"invoiced"})
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})

        first.button_cancel()
        self.assertEqual(first.state, "cancel")
        self.assertEqual(set(rated.mapped("state")), {"to_invoice"})
        self.assertEqual(set(rows.mapped("state")), {"rated"}, "the rows are billable again")
        self.assertEqual(len(self._usage_lines(first)), 3, "the cancelled lines stay as history")

        second = self._invoice(subscription, "2026-11-03")
        lines = self._usage_lines(second)
        self.assertEqual(len(lines), 3)
        self.assertEqual(D(str(sum(lines.mapped("price_subtotal")))),
                         sum(OCTOBER.values()))
        self.assertEqual(rated.invoice_id, second)
        self.assertEqual(set(rated.mapped("state")), {"invoiced"})
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})

        # The cancelled invoice reset to draft: its usage is billed on the second one now,
        # so its usage lines go (never billed twice), with a note saying where they went.
        first.button_draft()
        self.assertFalse(self._usage_lines(first))
        note = first.message_ids.filtered(lambda m: "went on a later invoice" in m.body)
        self.assertIn(second.name, note.body)
        self.assertEqual(set(rated.mapped("state")), {"invoiced"})
        self.assertEqual(rated.invoice_id, second)
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        third = self._invoice(subscription, "2026-11-04")
        self.assertFalse(self._usage_lines(third))

    def test_an_invoice_reset_before_the_next_one_takes_its_usage_back(self):
        subscription = self._subscription()
        self._october()
        first = self._invoice(subscription, "2026-11-02")
        rated, rows = self._billed(subscription)
        first.button_cancel()
        first.button_draft()
        self.assertEqual(len(self._usage_lines(first)), 3)
        self.assertEqual(set(rated.mapped("state")), {"invoiced"})
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        self.assertEqual(rated.invoice_id, first)
        first.action_post()
        second = self._invoice(subscription, "2026-11-03")
        self.assertFalse(self._usage_lines(second), "billed once, on the first invoice")

    def test_a_credit_note_keeps_the_usage_billed(self):
        """Reversing a posted invoice is finance's correction (README): the usage stays
        billed by the invoice, and no later invoice bills it again."""
        subscription = self._subscription()
        self._october()
        invoice = self._invoice(subscription, "2026-11-02")
        rated, rows = self._billed(subscription)
        with freeze_time("2026-11-03 09:00:00"):
            invoice._reverse_moves(cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(set(rated.mapped("state")), {"invoiced"})
        self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        self.assertFalse(self._usage_lines(self._invoice(subscription, "2026-11-03")))

    def test_an_invoice_of_several_subscriptions_bills_and_records_each(self):
        first = self._subscription("sub-1")
        second = self._subscription("sub-2")
        self._october("sub-1")
        self._october("sub-2")
        invoice = self._invoice(first | second, "2026-11-02")
        self.assertEqual(len(invoice), 1, "native invoicing groups one customer's orders")
        self.assertEqual(invoice.x_fc_subscription_ids, first | second)
        self.assertEqual(invoice.x_fc_subscription_id, first)
        self.assertEqual(invoice.x_fc_service_id, self.service)
        expected = sum(OCTOBER.values())
        for subscription in (first, second):
            rated, rows = self._billed(subscription)
            self.assertEqual(rated.invoice_id, invoice)
            self.assertEqual(len(rated.invoice_line_id), 3)
            self.assertEqual(D(str(sum(rated.invoice_line_id.mapped("price_subtotal")))),
                             expected)
            self.assertEqual(set(rows.mapped("state")), {"invoiced"})
        self.assertEqual(len(self._usage_lines(invoice)), 6)
        self.assertEqual(D(str(invoice.amount_untaxed)), 2 * (D("49.00") + expected))
