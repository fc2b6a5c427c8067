# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Usage figures that mean what billing means: by subscription, metric and billing
period, in the metric's own aggregation (billed units of closed periods, units so far of
the open one), and no total that adds up what does not add up."""

from datetime import date

from odoo.tests import tagged

from .usage_common import UsageCommon


@tagged("post_install", "-at_install")
class TestUsageByPeriod(UsageCommon):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._subscription()
        cls.other = cls._subscription(external_id="sub-2")

    def setUp(self):
        super().setUp()
        e = self._event
        self._push([
            e("c1", "api_calls", "8"), e("c2", "api_calls", "5"),
            e("g1", "storage", "80"), e("g2", "storage", "120.5"), e("g3", "storage", "7"),
            e("u1", "users", user_id="a"), e("u2", "users", user_id="b"),
            e("u3", "users", user_id="a"), e("s1", "seats", "3"),
            e("o-g1", "storage", "50", sub="sub-2"),
        ])
        (self.order | self.other)._fc_rate_closed_periods(date(2026, 11, 1))
        self._push([
            e("n-c1", "api_calls", "4", at="2026-11-03T10:00:00Z"),
            e("n-g1", "storage", "60", at="2026-11-03T10:00:00Z"),
            e("n-g2", "storage", "40", at="2026-11-04T10:00:00Z"),
            e("n-u1", "users", user_id="a", at="2026-11-03T10:00:00Z"),
            e("n-s1", "seats", "1", at="2026-11-03T10:00:00Z"),
        ])
        self.Period = self.env["fusion.billing.usage.period"].with_user(self.billing_user)

    def _units(self, order):
        rows = self.Period.search([("subscription_id", "=", order.id)])
        return {(row.metric_id.code, str(row.period_start), row.status): row.units
                for row in rows if row.units or row.status == "open"}

    def test_each_period_in_the_metric_s_own_aggregation(self):
        self.assertEqual(self._units(self.order), {
            # October, as rated: a peak, distinct users, a sum, a carried balance.
            ("storage", "2026-10-01", "to_invoice"): 120.5,
            ("users", "2026-10-01", "to_invoice"): 2,
            ("api_calls", "2026-10-01", "to_invoice"): 13,
            ("seats", "2026-10-01", "to_invoice"): 3,
            # November so far, counted the same way.
            ("storage", "2026-11-01", "open"): 60,
            ("users", "2026-11-01", "open"): 1,
            ("api_calls", "2026-11-01", "open"): 4,
            ("seats", "2026-11-01", "open"): 4,
        })
        rated = self.order.x_fc_rated_usage_ids
        for metric in (self.storage, self.users, self.calls, self.seats):
            self.assertEqual(rated.filtered(lambda r, m=metric: r.metric_id == m).units,
                             self._units(self.order)[(metric.code, "2026-10-01",
                                                      "to_invoice")])

    def test_totals_add_up_only_what_adds_up(self):
        domain = [("subscription_id", "in", (self.order | self.other).ids)]
        by_month = {
            (group["metric_id"][0], group["period_start:month"][1]): group["units:sum"]
            for group in self.Period.formatted_read_group(
                domain, ["metric_id", "period_start:month"], ["units:sum"])
        }
        self.assertEqual(by_month[(self.storage.id, "October 2026")], 170.5,
                         "two customers' billed peaks: 120.5 + 50")
        by_metric = {
            group["metric_id"][0]: group["units:sum"]
            for group in self.Period.formatted_read_group(domain, ["metric_id"], ["units:sum"])
        }
        self.assertIs(by_metric[self.storage.id], False,
                      "October's peak and November's are no peak of 180.5")
        self.assertIs(by_metric[self.seats.id], False, "a carried balance does not add up")
        self.assertEqual(by_metric[self.calls.id], 17, "sums add up over periods")
        total = self.Period.formatted_read_group(domain, [], ["units:sum"])
        self.assertIs(total[0]["units:sum"], False, "never across metrics")
        pivot = self.Period.formatted_read_grouping_sets(
            domain, [["metric_id", "period_start:month"], ["metric_id"]], ["units:sum"])
        self.assertIn(170.5, [group["units:sum"] for group in pivot[0]])
        self.assertNotIn("__count", pivot[1][0])

    def test_raw_pushes_are_listed_without_meaningless_totals(self):
        Usage = self.env["fusion.billing.usage"]
        self.assertIsNone(Usage.fields_get(["quantity"])["quantity"].get("aggregator"))
        action = self.env.ref("fusion_centralize_billing.action_fusion_billing_usage")
        self.assertEqual(action.view_mode, "list,form")
        analysis = self.env.ref("fusion_centralize_billing.action_fusion_billing_usage_period")
        self.assertNotIn("graph", analysis.view_mode, "a graph only for one metric at a time")
        per_metric = self.storage.action_view_usage_periods()
        self.assertEqual(per_metric["domain"], [("metric_id", "=", self.storage.id)])
        self.assertTrue(per_metric["view_mode"].startswith("graph"))

    def test_rated_usage_totals_keep_billed_and_reconciliation_apart(self):
        self.service.mode = "shadow"
        shadow = self._subscription(external_id="sub-shadow", start="2026-10-01",
                                    next_invoice=False)
        self._push([self._event("sh-c1", "api_calls", "20", sub="sub-shadow")])
        shadow._fc_rate_closed_periods(date(2026, 11, 1))
        Rated = self.env["fusion.billing.rated.usage"].with_user(self.billing_user)
        groups = Rated.formatted_read_group(
            [("subscription_id", "in", (self.order | shadow).ids)], [],
            ["billed_amount:sum", "shadow_amount:sum"])
        self.assertEqual(groups[0]["billed_amount:sum"],
                         sum(self.order.x_fc_rated_usage_ids.mapped("amount")))
        self.assertEqual(groups[0]["shadow_amount:sum"],
                         sum(shadow.x_fc_rated_usage_ids.mapped("amount")))
        self.assertEqual(shadow.x_fc_rated_usage_ids.filtered(
            lambda r: r.metric_id == self.calls).shadow_amount, 22.0, "20 calls + 2 flat")
        self.assertIsNone(Rated.fields_get(["amount"])["amount"].get("aggregator"))
