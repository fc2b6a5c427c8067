# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A usage period closes at midnight in its company's time zone, wherever the server
is: at UTC+14 that is the UTC morning before, at UTC-10 the UTC morning after."""

from odoo.tests import freeze_time, tagged

from .usage_common import UsageCommon


@tagged("post_install", "-at_install")
class TestUsageCompanyDay(UsageCommon):
    def setUp(self):
        super().setUp()
        # The demo's subscriptions start on the day the tier installed the module: on a
        # moved clock they are due on the days frozen here, and would fill a claim.
        self.others = self.env["sale.order"].search([("x_fc_service_id", "!=", False)])

    def _due(self, limit=50):
        return self.env["sale.order"]._fc_claim_due(limit, exclude=self.others.ids)

    def test_a_period_closes_at_the_companys_midnight(self):
        # (zone, UTC instant, whether the period ending on 1 December has closed)
        cases = [
            ("Pacific/Kiritimati", "2026-11-30 09:59:00", False),  # UTC+14: 23:59 on the 30th
            ("Pacific/Kiritimati", "2026-11-30 10:00:00", True),  # 00:00 on the 1st
            ("Pacific/Tongatapu", "2026-11-30 10:59:00", False),  # UTC+13
            ("Pacific/Tongatapu", "2026-11-30 11:00:00", True),
            ("UTC", "2026-11-30 23:59:00", False),
            ("UTC", "2026-12-01 00:00:00", True),
            ("Pacific/Honolulu", "2026-12-01 05:00:00", False),  # UTC-10: the 30th, 19:00
            ("Pacific/Honolulu", "2026-12-01 09:59:00", False),
            ("Pacific/Honolulu", "2026-12-01 10:00:00", True),
        ]
        subscription = self._subscription(start="2026-11-01", next_invoice="2026-12-01")
        for zone, instant, closed in cases:
            with self.subTest(zone=zone, instant=instant):
                self.company.partner_id.tz = zone
                with freeze_time(instant):
                    self.assertEqual(subscription in self._due(), closed)

    def test_the_rating_rates_an_eastern_period_on_its_own_day(self):
        subscription = self._subscription(start="2026-11-01", next_invoice="2026-12-01")
        self._push([self._event("nov", "api_calls", "3", at="2026-11-20T10:00:00Z")])
        self.company.partner_id.tz = "Pacific/Kiritimati"
        with freeze_time("2026-11-30 10:30:00"), self.enter_registry_test_mode():
            self.env.ref("fusion_centralize_billing.ir_cron_fusion_billing_rate_usage") \
                .method_direct_trigger()
        calls = subscription.x_fc_rated_usage_ids.filtered(lambda r: r.metric_id == self.calls)
        self.assertEqual((str(calls.period_start), str(calls.period_end), calls.units),
                         ("2026-11-01", "2026-11-30", 3))

    def test_subscriptions_not_due_yet_never_hold_back_due_ones(self):
        """West of UTC, a period ending on the 1st is not closed at 11:30 UTC on the 30th;
        it sorts first in the claim (lower id, same end), and must not fill the batch."""
        west_company = self.env["res.company"].create({
            "name": "Aloha Hosting", "currency_id": self.company.currency_id.id})
        west_company.partner_id.tz = "Pacific/Honolulu"
        self.env.user.company_ids |= west_company
        west_service = self._create_service(name="West", code="west",
                                            company_id=west_company.id)
        west_plan = self.plan.copy({"x_fc_plan_code": "west", "x_fc_service_id": west_service.id})
        west = self.env["sale.order"].with_company(west_company).create([{
            "partner_id": self.partner.id, "company_id": west_company.id,
            "x_fc_service_id": west_service.id, "x_fc_external_id": f"west-{index}",
            "x_fc_plan_id": west_plan.id, "start_date": "2026-11-01",
        } for index in range(3)])
        self.company.partner_id.tz = "Pacific/Tongatapu"
        east = self._subscription(start="2026-11-01", next_invoice="2026-12-01")
        self.assertTrue(all(order.x_fc_usage_end == east.x_fc_usage_end for order in west))
        self.assertLess(max(west.ids), east.id)
        with freeze_time("2026-11-30 11:30:00"):
            self.assertEqual(self._due(limit=1), east)
            claimed = self._due(limit=10)
        self.assertIn(east, claimed)
        self.assertFalse(claimed & west)
        with freeze_time("2026-12-01 10:00:00"):
            self.assertEqual(self._due(limit=10) & west, west)
