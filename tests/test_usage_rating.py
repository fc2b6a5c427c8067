# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Rating closed periods onto native invoices: amounts to the cent, exactly once."""

from datetime import date
from decimal import Decimal

from odoo.tests import freeze_time, tagged

from .usage_common import NOW, UsageCommon

D = Decimal


@tagged("post_install", "-at_install")
class TestUsageRating(UsageCommon):
    def _money(self, amount):
        """An amount as the invoice's currency writes it in English."""
        currency = self.env.company.currency_id
        if currency.position == "after":
            return f"{amount}\N{NO-BREAK SPACE}{currency.symbol}"
        return f"{currency.symbol}\N{NO-BREAK SPACE}{amount}"

    def _usage_lines(self, invoices):
        return invoices.invoice_line_ids.filtered(lambda line: line.product_id == self.product)

    def _native_cron(self):
        return self.env["sale.order"]._cron_recurring_create_invoice()

    def _october(self, sub="sub-1"):
        """A month of every kind of push, replays and an overwrite included."""
        e = self._event
        self._push([
            e("calls-a", "api_calls", "8", sub=sub), e("calls-b", "api_calls", "5", sub=sub),
            e("gb-1", "storage", "80", sub=sub), e("gb-2", "storage", "120.5", sub=sub),
            e("u-1", "users", user_id="a", sub=sub), e("u-2", "users", user_id="b", sub=sub),
            e("u-3", "users", user_id="c", sub=sub), e("u-4", "users", user_id="d", sub=sub),
            e("s-1", "sales", "100.00", sub=sub, at="2026-10-02T00:00:00Z"),
            e("s-2", "sales", "33.33", sub=sub, at="2026-10-03T00:00:00Z"),
            e("bw-1", "bandwidth", "400", sub=sub), e("bw-2", "bandwidth", "300", sub=sub),
            e("seats-1", "seats", "3", sub=sub),
        ])
        # The app corrects one window and retries another as it was.
        self._push([e("calls-a", "api_calls", "10", sub=sub),
                    e("calls-b", "api_calls", "5", sub=sub)])

    def _expected_october(self):
        return {
            "api_calls": D("17.00"),  # 10 x 1 + 2 flat + 5 x 1: not a multiple of 15 units
            "storage": D("6.03"),  # 120.5 GB in the 100+ volume tier at 0.05: 6.025 half-up
            "users": D("10.00"),  # 4 users, 1 free, 3 in packages of 2: 2 x 5
            "sales": self._engine_amount("sales", "133.33", [D("100.00"), D("33.33")]),
            "seats": D("15.00"),  # 3 seats x 5
        }

    def test_end_to_end_native_invoice_equals_the_engine(self):
        subscription = self._subscription()
        self._october()
        with freeze_time("2026-11-01 06:00:00"):
            self._rate_by_cron()
            invoices = self._native_cron()
        self.assertEqual(len(invoices), 1)
        self.assertEqual(invoices.state, "posted")
        usage_lines = self._usage_lines(invoices)
        expected = self._expected_october()
        got = {
            rated.metric_id.code: D(str(rated.invoice_line_id.price_subtotal))
            for rated in subscription.x_fc_rated_usage_ids if rated.invoice_line_id
        }
        self.assertEqual(got, expected)
        self.assertEqual(len(usage_lines), 5, "the zero bandwidth line is not invoiced")
        self.assertEqual(D(str(invoices.amount_untaxed)), D("49.00") + sum(expected.values()))
        self.assertEqual(self._engine_amount("api_calls", 15), D("17.00"))
        for line in usage_lines:
            self.assertEqual(line.deferred_start_date, date(2026, 10, 1))
            self.assertEqual(line.deferred_end_date, date(2026, 10, 31))
        calls_line = usage_lines.filtered(lambda line: line.name.startswith("api_calls"))
        money = self._money
        self.assertEqual(
            calls_line.name,
            f"api_calls, Oct 1, 2026 to Oct 31, 2026: 15 calls (10 calls at {money('1.00')} "
            f"each + {money('2.00')} flat; 5 calls at {money('1.00')} each)")
        bandwidth = subscription.x_fc_rated_usage_ids.filtered(
            lambda r: r.metric_id == self.bandwidth)
        self.assertEqual((bandwidth.units, bandwidth.included_units, bandwidth.state),
                         (700, 700, "nothing"))
        rows = subscription.x_fc_usage_ids
        self.assertEqual(set(rows.mapped("state")), {"invoiced", "rated"})
        self.assertEqual(set(rows.filtered(lambda u: u.metric_id == self.bandwidth)
                             .mapped("state")), {"rated"}, "rated, but nothing to invoice")
        self.assertEqual(subscription.x_fc_usage_start, date(2026, 11, 1))
        self.assertEqual(subscription.next_invoice_date, date(2026, 12, 1))

        # A second run, of both crons, changes nothing.
        with freeze_time("2026-11-01 07:00:00"):
            self._rate_by_cron()
            self.assertFalse(self._native_cron())
            self.assertFalse(self._usage_lines(subscription._create_invoices(final=True)))
        self.assertEqual(len(subscription.x_fc_rated_usage_ids), 6)

        # The rated period is frozen: a new push into it and a changed replay are refused.
        _results, errors = self.env["fusion.billing.usage"]._ingest(self.service, [
            self._event("late", "api_calls", "1"),
            self._event("calls-a", "api_calls", "11"),
            self._event("calls-b", "api_calls", "5"),
        ], now=NOW)
        self.assertEqual(errors, {
            "0": {"timestamp": ["period_already_billed"]},
            "1": {"transaction_id": ["period_already_billed"]},
        })
        _results, errors = self.env["fusion.billing.usage"]._ingest(
            self.service, [self._event("calls-b", "api_calls", "5")], now=NOW)
        self.assertEqual(errors, {}, "an identical replay of a billed push is still fine")

    def test_the_line_reads_in_the_customer_s_language(self):
        self.env["res.lang"]._activate_lang("fr_CA")
        self.partner.lang = "fr_CA"
        subscription = self._subscription()
        self._push([self._event("bw-fr", "bandwidth", "1250.5")])
        subscription._fc_rate_closed_periods(date(2026, 11, 1))
        line = subscription.x_fc_rated_usage_ids.filtered(lambda r: r.metric_id == self.bandwidth)
        lang = self.env["res.lang"]._lang_get("fr_CA")
        self.assertIn(f"1{lang.thousands_sep}250{lang.decimal_point}5 GB", line.name)
        self.assertIn(f"250{lang.decimal_point}5 GB", line.name)
        self.assertIn(f"0{lang.decimal_point}02", line.name, "the price, in French digits")
        self.assertIn("2026", line.name)
        self.assertNotIn("Oct 1, 2026", line.name, "the date in French")

    def test_a_manual_invoice_rates_and_carries_the_usage(self):
        subscription = self._subscription()
        self._october()
        with freeze_time("2026-11-02 09:00:00"):
            invoice = subscription._create_invoices()
        usage_lines = self._usage_lines(invoice)
        self.assertEqual(D(str(sum(usage_lines.mapped("price_subtotal")))),
                         sum(self._expected_october().values()))
        self.assertTrue(all(r.state in ("invoiced", "nothing")
                            for r in subscription.x_fc_rated_usage_ids))

    def test_an_open_period_is_not_invoiced_early(self):
        subscription = self._subscription(next_invoice="2026-12-01")
        self._october()
        with freeze_time("2026-11-02 09:00:00"):
            invoice = subscription._create_invoices()
        self.assertFalse(self._usage_lines(invoice))
        self.assertFalse(subscription.x_fc_rated_usage_ids)
        self.assertEqual(subscription.x_fc_usage_end, date(2026, 12, 1))

    def test_deleting_a_draft_invoice_gives_the_usage_back(self):
        subscription = self._subscription()
        self._october()
        with freeze_time("2026-11-02 09:00:00"):
            invoice = subscription._create_invoices()
        invoice.unlink()
        self.assertEqual(set(subscription.x_fc_rated_usage_ids.mapped("state")),
                         {"to_invoice", "nothing"})
        self.assertNotIn("invoiced", subscription.x_fc_usage_ids.mapped("state"))
        with freeze_time("2026-11-02 10:00:00"):
            again = subscription._create_invoices()
        self.assertEqual(len(self._usage_lines(again)), 5)

    def test_subscription_starting_on_january_31(self):
        subscription = self._subscription(start="2026-01-31", next_invoice="2026-02-28")
        self._push([
            self._event("c-feb27", "api_calls", "3", at="2026-02-27T23:00:00Z"),
            self._event("c-feb28", "api_calls", "4", at="2026-02-28T01:00:00Z"),
            self._event("c-mar27", "api_calls", "5", at="2026-03-27T23:59:59Z"),
        ])
        periods = []
        for day in ("2026-02-28", "2026-03-28"):
            with freeze_time(f"{day} 06:00:00"):
                invoice = self._native_cron()
            line = subscription.x_fc_rated_usage_ids.filtered(
                lambda r, inv=invoice: r.metric_id == self.calls and r.invoice_id == inv,
            ).invoice_line_id
            periods.append((line.deferred_start_date, line.deferred_end_date, line.price_subtotal))
        # The native walk (Feb 28 -> Mar 28) is the usage period, to the day.
        self.assertEqual(periods, [
            (date(2026, 1, 31), date(2026, 2, 27), 5.0),  # 3 units: 3 + 2 flat
            (date(2026, 2, 28), date(2026, 3, 27), 11.0),  # 9 units: 9 + 2 flat
        ])
        self.assertEqual(subscription.next_invoice_date, date(2026, 4, 28))

    def test_termination_mid_period_bills_usage_to_the_end_date(self):
        subscription = self._subscription(start="2026-10-01", next_invoice="2026-11-01")
        with freeze_time("2026-11-01 06:00:00"):
            self._native_cron()
        subscription.end_date = "2026-11-15"
        self._push([
            self._event("n-10", "api_calls", "4", at="2026-11-10T10:00:00Z"),
            self._event("n-15", "api_calls", "1", at="2026-11-15T23:00:00Z"),
        ])
        _results, errors = self.env["fusion.billing.usage"]._ingest(self.service, [
            self._event("n-16", "api_calls", "1", at="2026-11-16T00:00:00Z")], now=NOW)
        self.assertEqual(errors, {"0": {"timestamp": ["after_subscription_end"]}})
        self.assertEqual(subscription.x_fc_usage_end, date(2026, 11, 16))
        with freeze_time("2026-11-16 02:00:00"):
            self._rate_by_cron()
        rated = subscription.x_fc_rated_usage_ids.filtered(lambda r: r.metric_id == self.calls
                                                           and r.period_start.month == 11)
        self.assertEqual((rated.period_start, rated.period_end, rated.units),
                         (date(2026, 11, 1), date(2026, 11, 15), 5))
        self.assertEqual(rated.state, "invoiced")
        self.assertEqual(rated.invoice_id.state, "posted")
        self.assertEqual(rated.invoice_line_id.price_subtotal, 7.0)  # 5 units + 2 flat

    def test_a_rating_problem_is_noted_and_skipped(self):
        subscription = self._subscription()
        self._push([self._event("seats-down", "seats", "-2")])
        with freeze_time("2026-11-01 06:00:00"):
            self._rate_by_cron()
        self.assertFalse(subscription.x_fc_rated_usage_ids)
        self.assertIn("negative_balance", subscription.message_ids[:1].body)
        self.assertEqual(subscription.x_fc_usage_start, False)
