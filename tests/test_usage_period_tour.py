# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Finance reading a month of usage per metric in a real browser (the tour
``static/tests/tours/usage_by_period_tour.js``)."""

import unittest
from datetime import UTC, date, datetime

from odoo.tests import HttpCase, tagged

from .usage_common import UsageCommon


@tagged("post_install", "-at_install")
class TestUsageByPeriodTour(UsageCommon, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.name = "Period Tour Hosting"
        # Codes the demo data does not use, so the tour finds these rows only.
        cls.storage.write({"code": "tour_peak_gb", "name": "tour_peak_gb"})
        cls.users.write({"code": "tour_users", "name": "tour_users"})
        cls.calls.write({"code": "tour_calls", "name": "tour_calls"})
        order = cls._subscription()
        e = cls._event
        results, errors = cls.env["fusion.billing.usage"]._ingest(cls.service, [
            e("g1", "tour_peak_gb", "80"), e("g2", "tour_peak_gb", "120.5"),
            e("g3", "tour_peak_gb", "7"),
            e("u1", "tour_users", user_id="a"), e("u2", "tour_users", user_id="b"),
            e("u3", "tour_users", user_id="a"),
            e("c1", "tour_calls", "8"), e("c2", "tour_calls", "5"),
        ], now=datetime(2026, 11, 1, tzinfo=UTC))
        assert not errors, errors
        order._fc_rate_closed_periods(date(2026, 11, 1))

    def test_finance_reads_a_month_per_metric_in_its_own_aggregation(self):
        try:
            self.start_tour("/odoo", "fusion_billing_usage_by_period_tour",
                            login=self.billing_user.login)
        except unittest.SkipTest as skip:
            self.fail(f"the tour needs a Chromium browser (apt-get install chromium): {skip}")
