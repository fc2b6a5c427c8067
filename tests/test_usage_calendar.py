# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Rating on awkward days: the same month of usage, rated and invoiced on a leap day, on
the 31st, at a year's end, and a year before and after the day this was written.

Each case fixes its own today: nothing here reads the machine's clock, so the suite says
the same thing on any date (``tools/odoo-tier.sh --clock +365d`` runs the whole tier on a
moved clock to prove the rest of it does too).
"""

from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo.tests import freeze_time, tagged

from .usage_common import UsageCommon

# Days a period closes on, each with the first day of the period that closes then; latest
# first, so that no earlier case's subscription falls due again on a later case's today.
CLOSING_DAYS = [
    (date(2028, 2, 29), date(2028, 1, 29)),  # a leap day
    (date(2027, 12, 2), date(2027, 11, 2)),  # a year after this was written
    (date(2027, 3, 31), date(2027, 2, 28)),  # a 31st, after February
    (date(2027, 1, 31), date(2026, 12, 31)),  # a 31st, after a 31st
    (date(2026, 12, 31), date(2026, 11, 30)),  # the last day of a year
    (date(2025, 12, 2), date(2025, 11, 2)),  # a year before
]


def _at(day, hour=12, minute=0, second=0):
    """A push timestamp on ``day`` (UTC, the test company's zone)."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


@tagged("post_install", "-at_install")
class TestUsageCalendar(UsageCommon):
    def _rate_by_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref(
                "fusion_centralize_billing.ir_cron_fusion_billing_rate_usage"
            ).method_direct_trigger()

    def _calls_lines(self, invoices):
        return invoices.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product and line.name.startswith("api_calls"))

    def _push_on(self, today, sub, events):
        """Pushes as the app sends them on ``today`` (nothing later than its 06:00)."""
        self._push([
            self._event(f"{sub}-{index}", "api_calls", str(value), sub=sub,
                        at=instant.isoformat())
            for index, (instant, value) in enumerate(events)
        ], now=_at(today, hour=6))

    def test_a_live_period_closing_on_any_day_is_invoiced_once(self):
        for today, start in CLOSING_DAYS:
            with self.subTest(today=today):
                sub = f"live-{today}"
                order = self._subscription(external_id=sub, start=start, next_invoice=today)
                last_second = _at(today - timedelta(days=1), 23, 59, 59)
                self._push_on(today, sub, [
                    (_at(start, 0), 4),  # the period's first second
                    (_at(start + (today - start) / 2), 6),
                    (last_second, 5),  # its last second
                    (_at(today, 0, 30), 7),  # the next period's
                ])
                with freeze_time(_at(today, 6).replace(tzinfo=None)):
                    self._rate_by_cron()
                    invoices = self.env["sale.order"]._cron_recurring_create_invoice()
                invoice = invoices.filtered(lambda m, o=order: o in m.line_ids.sale_line_ids
                                            .order_id)
                line = self._calls_lines(invoice)
                self.assertEqual(len(line), 1)
                self.assertEqual((line.deferred_start_date, line.deferred_end_date),
                                 (start, today - timedelta(days=1)))
                self.assertEqual(line.price_subtotal,
                                 float(self._engine_amount("api_calls", 15)))
                self.assertEqual(order.x_fc_usage_start, today)
                self.assertEqual(order.next_invoice_date, today + relativedelta(months=1))
                self.assertEqual(order.x_fc_usage_ids.filtered(
                    lambda u: u.state == "pushed").mapped("quantity"), [7.0],
                    "the next period's push waits for its own period")

                # Later the same day, both crons again: nothing more is billed.
                with freeze_time(_at(today, 7).replace(tzinfo=None)):
                    self._rate_by_cron()
                    again = self.env["sale.order"]._cron_recurring_create_invoice()
                self.assertFalse(self._calls_lines(again.filtered(
                    lambda m, o=order: o in m.line_ids.sale_line_ids.order_id)))
                self.assertEqual(len(order.x_fc_rated_usage_ids.filtered(
                    lambda r: r.metric_id == self.calls)), 1)

    def test_a_period_not_closed_yet_is_not_rated_on_its_last_day(self):
        for today, start in CLOSING_DAYS:
            with self.subTest(today=today):
                sub = f"open-{today}"
                order = self._subscription(external_id=sub, start=start, next_invoice=today)
                self._push_on(today - timedelta(days=1), sub, [
                    (_at(today - timedelta(days=1), 1), 3)])
                eve = _at(today - timedelta(days=1), 23, 59, 59).replace(tzinfo=None)
                with freeze_time(eve):
                    self._rate_by_cron()
                self.assertFalse(order.x_fc_rated_usage_ids)
                usage = order._fc_current_usage(now=_at(today - timedelta(days=1)))
                self.assertEqual((usage["from"], usage["to"]),
                                 (start, today - timedelta(days=1)))
                [calls] = [rating for _charge, metric, rating in usage["charges"]
                           if metric == self.calls]
                self.assertEqual((calls.units, calls.amount),
                                 (3, self._engine_amount("api_calls", 3)))

    def test_shadow_periods_anchored_on_a_31st_across_a_leap_february(self):
        self.service.mode = "shadow"
        order = self._subscription(external_id="shadow-31", start=date(2027, 12, 31),
                                   next_invoice=False)
        self._push_on(date(2028, 2, 29), "shadow-31", [
            (_at(date(2027, 12, 31), 0), 1),
            (_at(date(2028, 1, 30), 23, 59, 59), 2),  # last second of the first period
            (_at(date(2028, 1, 31), 0), 3),  # first second of the second
            (_at(date(2028, 2, 28), 23, 59, 59), 4),  # the second's last second
            (_at(date(2028, 2, 29), 0, 30), 5),  # leap day: the third period
        ])
        with freeze_time("2028-02-29 06:00:00"):
            self._rate_by_cron()
        with freeze_time("2028-03-31 06:00:00"):
            self._rate_by_cron()
        calls = order.x_fc_rated_usage_ids.filtered(
            lambda r: r.metric_id == self.calls).sorted("period_start")
        self.assertEqual(
            [(r.period_start, r.period_end, r.units, r.state) for r in calls],
            [(date(2027, 12, 31), date(2028, 1, 30), 3, "shadow"),
             (date(2028, 1, 31), date(2028, 2, 28), 7, "shadow"),
             (date(2028, 2, 29), date(2028, 3, 30), 5, "shadow")],
        )
        self.assertEqual([r.amount for r in calls],
                         [float(self._engine_amount("api_calls", n)) for n in (3, 7, 5)])
        self.assertEqual(order.x_fc_usage_start, date(2028, 3, 31))
        self.assertEqual(order.x_fc_usage_end, date(2028, 4, 30))
