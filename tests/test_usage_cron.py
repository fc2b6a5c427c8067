# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The rating cron and Odoo's time budget: a run that stops for lack of time says that
work remains, so Odoo calls it again at once instead of an hour later (found by the fault
suite: 1,000 subscriptions were rated 50 an hour)."""

from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from odoo.addons.base.models.ir_cron import IrCron

from .usage_common import UsageCommon


@tagged("post_install", "-at_install")
class TestUsageCron(UsageCommon):
    def _run(self, time_left):
        """Run the cron in batches of 1 with ``time_left`` seconds after each commit:
        the (processed, remaining) it reported."""
        reports = []

        def commit_progress(_cron, processed=0, *, remaining=None, deactivate=False):
            reports.append((processed, remaining))
            return time_left

        with patch.object(IrCron, "_commit_progress", commit_progress), \
                freeze_time("2026-11-01 06:00:00"):
            self.env["sale.order"]._cron_fc_rate_usage(batch_size=1)
        return reports

    def _three_due(self):
        return [self._subscription(f"sub-{n}", start="2026-10-01", next_invoice="2026-11-01")
                for n in range(3)]

    def test_out_of_time_it_stops_and_says_work_remains(self):
        orders = self._three_due()
        self.assertEqual(self._run(time_left=0), [(1, 1)])
        self.assertLessEqual(sum(bool(order.x_fc_rated_usage_ids) for order in orders), 1)

    def test_with_time_it_rates_everything_then_says_done(self):
        orders = self._three_due()
        reports = self._run(time_left=60)
        self.assertEqual(reports[-1], (0, 0))
        self.assertGreaterEqual(len(reports), 4)
        self.assertTrue(all(order.x_fc_rated_usage_ids for order in orders))
