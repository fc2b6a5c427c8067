# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Costs no customer carries, shared out by units or evenly, to the cent, the remainder
cents placed the same way every time, each share kept with its rule."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .margin_common import NOW, MarginCommon


@tagged("post_install", "-at_install")
@freeze_time(NOW.replace(tzinfo=None))
class TestMarginAllocation(MarginCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Provider = cls.env["fusion.billing.provider"]
        ids = Provider._fc_ids_by_code({"google_maps": "Google Maps", "twilio": "Twilio"})
        cls.maps, cls.twilio = Provider.browse(ids["google_maps"]), Provider.browse(ids["twilio"])
        Rule = cls.env["fusion.billing.allocation.rule"].with_user(cls.billing_manager)
        cls.by_loads = Rule.create({
            "service_id": cls.service.id, "provider_id": cls.maps.id, "method": "units",
            "metric_id": cls.map_loads.id, "basis_period": "month",
        })
        cls.evenly = Rule.create({
            "service_id": cls.service.id, "provider_id": cls.twilio.id, "method": "even",
        })

    def _loads(self, partner, units, day="2026-11-12", tx=None):
        order = self.subscriptions.filtered(lambda o: o.partner_id == partner)
        return self.env["fusion.billing.usage"].create({
            "service_id": self.service.id, "metric_id": self.map_loads.id,
            "subscription_id": order.id, "partner_id": partner.id,
            "external_subscription_id": order.x_fc_external_id,
            "transaction_id": tx or f"loads-{partner.id}-{day}", "timestamp": f"{day} 10:00:00",
            "quantity": units,
        })

    def _allocate_by_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref(
                "fusion_centralize_billing.ir_cron_fusion_billing_allocate_costs"
            ).method_direct_trigger()

    def _shares(self, cost):
        return {a.partner_id: a.amount for a in cost.allocation_ids}

    def test_by_units_of_the_month_to_the_cent(self):
        self._loads(self.alpha, 700)
        self._loads(self.beta, 150, day="2026-11-02")
        self._loads(self.beta, 50, day="2026-11-29")
        self._loads(self.gamma, 100)
        self._loads(self.gamma, 9999, day="2026-10-31")  # October: another month
        [(cost, _o)] = self._ingest([self._cost("Google Maps", cents=1000)])
        self._allocate_by_cron()
        self.assertEqual(cost.allocation_state, "allocated")
        self.assertEqual(self._shares(cost), {self.alpha: 7.0, self.beta: 2.0, self.gamma: 1.0})
        alpha = cost.allocation_ids.filtered(lambda a: a.partner_id == self.alpha)
        self.assertEqual((alpha.rule_id, alpha.method, alpha.basis_units, alpha.basis_total),
                         (self.by_loads, "units", 700, 1000))
        self.assertEqual((alpha.plan_id, alpha.date, alpha.provider_id),
                         (self.plan, cost.date, self.maps))
        # A second run shares nothing twice.
        self._allocate_by_cron()
        self.assertEqual(len(cost.allocation_ids), 3)

    def test_the_remainder_cent_goes_by_largest_remainder_then_the_smaller_customer(self):
        self._loads(self.alpha, 1)
        self._loads(self.beta, 2)
        self._loads(self.gamma, 4)
        # 1.00 by 1:2:4 = 14.28.., 28.57.., 57.14.. cents: the cent left goes to beta.
        # 100.00 evenly = 33.333..: the cent left goes to the smallest customer, alpha.
        (loads, _o1), (even, _o2) = self._ingest([
            self._cost("Google Maps", cents=100), self._cost("Twilio", cents=10000)])
        (loads | even)._fc_allocate()
        self.assertEqual(self._shares(loads), {self.alpha: 0.14, self.beta: 0.29,
                                               self.gamma: 0.57})
        self.assertEqual(self._shares(even), {self.alpha: 33.34, self.beta: 33.33,
                                              self.gamma: 33.33})
        self.assertLess(self.alpha.id, self.beta.id)
        self.assertEqual(set(even.allocation_ids.mapped("basis_units")), {1})
        # Shared out again, from scratch, the split is the same, cent for cent.
        self.by_loads.with_user(self.billing_manager).action_allocate_again()
        self.assertEqual(self._shares(loads), {self.alpha: 0.14, self.beta: 0.29,
                                               self.gamma: 0.57})

    def test_evenly_among_the_customers_subscribed_that_day(self):
        self.subscriptions.filtered(lambda o: o.partner_id == self.gamma).end_date = "2026-11-15"
        (before, _o1), (after, _o2) = self._ingest([
            self._cost("Twilio", day="2026-11-14", cents=-301),  # a credit, split too
            self._cost("Twilio", day="2026-11-16", cents=301)])
        self.evenly.basis_period = "day"
        (before | after)._fc_allocate()
        self.assertEqual(self._shares(before), {self.alpha: -1.01, self.beta: -1.0,
                                                self.gamma: -1.0})
        self.assertEqual(self._shares(after), {self.alpha: 1.51, self.beta: 1.5})

    def test_a_cost_without_rule_or_units_stays_whole_and_says_why(self):
        (openai, _o1), (maps, _o2) = self._ingest([self._cost("OpenAI", cents=500),
                                                   self._cost("Google Maps", cents=500)])
        (openai | maps)._fc_allocate()
        self.assertEqual(openai.allocation_state, "unallocated")
        self.assertEqual(openai.allocation_note, f"No allocation rule for "
                         f"{openai.provider_id.name} on {self.service.name}.")
        self.assertEqual(maps.allocation_state, "unallocated")
        self.assertEqual(maps.allocation_note,
                         "No customer used map_loads from 2026-11-01 to 2026-11-30.")
        self.assertFalse((openai | maps).allocation_ids)
        # A rule for OpenAI puts its waiting costs back in the queue.
        self.env["fusion.billing.allocation.rule"].with_user(self.billing_manager).create({
            "service_id": self.service.id, "provider_id": openai.provider_id.id,
            "method": "even"})
        self.assertEqual(openai.allocation_state, "pending")
        self._allocate_by_cron()
        self.assertEqual(self._shares(openai), {self.alpha: 1.67, self.beta: 1.67,
                                                self.gamma: 1.66})

    def test_a_resent_cost_is_shared_out_again(self):
        self._loads(self.alpha, 1)
        self._loads(self.beta, 1)
        [(cost, _o)] = self._ingest([self._cost("Google Maps", cents=1000)])
        cost._fc_allocate()
        self.assertEqual(self._shares(cost), {self.alpha: 5.0, self.beta: 5.0})
        [(again, outcome)] = self._ingest([self._cost("Google Maps", cents=1001)])
        self.assertEqual((again, outcome, again.allocation_state), (cost, "replaced", "pending"))
        self.assertFalse(cost.allocation_ids, "the old shares are gone with the old amount")
        self._allocate_by_cron()
        self.assertEqual(self._shares(cost), {self.alpha: 5.01, self.beta: 5.0})

    def test_the_margin_counts_a_shared_cost_once(self):
        self._loads(self.alpha, 3)
        self._loads(self.beta, 1)
        [(cost, _o)] = self._ingest([self._cost("Google Maps", cents=1000)])
        Margin = self.env["fusion.billing.margin"]
        domain = [("service_id", "=", self.service.id)]
        self.assertEqual(Margin._read_group(domain, [], ["unallocated_cost:sum", "cost:sum"]),
                         [(10.0, 10.0)])
        cost._fc_allocate()
        Margin.invalidate_model()
        rows = dict(Margin._read_group(domain, ["partner_id"], ["allocated_cost:sum"]))
        self.assertEqual(rows, {self.alpha: 7.5, self.beta: 2.5})
        self.assertEqual(Margin._read_group(domain, [], ["cost:sum", "unallocated_cost:sum"]),
                         [(10.0, 0.0)])

    def test_billing_users_read_the_rules_and_shares_but_do_not_make_them(self):
        self._loads(self.alpha, 1)
        [(cost, _o)] = self._ingest([self._cost("Google Maps", cents=100)])
        cost._fc_allocate()
        Rule = self.env["fusion.billing.allocation.rule"].with_user(self.billing_user)
        self.assertEqual(Rule.browse(self.by_loads.id).allocated_amount, 1.0)
        self.assertEqual(cost.allocation_ids.with_user(self.billing_user).amount, 1.0)
        with self.assertRaises(AccessError):
            Rule.create({"service_id": self.service.id, "provider_id": self.maps.id,
                         "method": "even"})
        with self.assertRaises(AccessError):
            Rule.browse(self.by_loads.id).write({"method": "even"})
        with self.assertRaises(AccessError):
            Rule.browse(self.by_loads.id).action_allocate_again()

    def test_a_rule_by_units_needs_a_metric_of_its_service(self):
        Rule = self.env["fusion.billing.allocation.rule"].with_user(self.billing_manager)
        other = self._create_service(name="Other", code="other_alloc")
        with self.assertRaises(ValidationError):
            Rule.create({"service_id": self.service.id, "method": "units",
                         "provider_id": self.env["fusion.billing.provider"].create(
                             {"name": "Stripe"}).id})
        with self.assertRaises(ValidationError):
            Rule.create({"service_id": other.id, "provider_id": self.maps.id,
                         "method": "units", "metric_id": self.map_loads.id})

    def _scenario(self):
        """Costs of every kind over two months: direct, shared by units, shared evenly,
        not shared, resent after being shared, deleted."""
        self._loads(self.alpha, 3)
        self._loads(self.beta, 1)
        self._loads(self.gamma, 2, day="2026-10-20")
        code = self.foreign.name
        results = self._ingest([
            self._cost("OpenAI", external_customer_id="cus_alpha", cents=1500),
            self._cost("OpenAI", external_customer_id="cus_beta", cents=250, day="2026-10-31",
                       amount_currency=code),
            self._cost("Google Maps", cents=1000),
            self._cost("Google Maps", cents=999, day="2026-10-20"),
            self._cost("Twilio", cents=301, day="2026-11-01"),
            self._cost("Stripe", cents=77),  # no rule: stays whole
            self._cost("OpenAI", external_customer_id="cus_gamma", cents=5),
        ])
        self._allocate_by_cron()
        self._ingest([self._cost("Google Maps", cents=1200)])  # resent after its sharing
        self._allocate_by_cron()
        results[-1][0].with_user(self.billing_manager).unlink()

    def _months(self):
        Month = self.env["fusion.billing.cost.month"]
        Month.invalidate_model()
        return sorted(
            (row.service_id.id, row.provider_id.id, row.partner_id.id, row.plan_id.id,
             row.month, round(row.direct_cost, 2), round(row.allocated_cost, 2),
             round(row.unallocated_cost, 2))
            for row in Month.search([("service_id", "=", self.service.id)]))

    def test_the_monthly_sums_are_the_costs_and_shares_summed(self):
        self._scenario()
        kept = self._months()
        self.assertTrue(kept)
        self.env["fusion.billing.cost.month"]._fc_rebuild()
        self.assertEqual(self._months(), kept, "kept up to date as a rebuild computes them")

    def test_the_report_by_month_reads_the_same_as_by_day(self):
        self._scenario()
        Margin = self.env["fusion.billing.margin"].with_user(self.billing_user)
        domain = [("service_id", "=", self.service.id)]
        aggregates = ["revenue:sum", "direct_cost:sum", "allocated_cost:sum",
                      "unallocated_cost:sum", "cost:sum", "margin:sum"]
        for groupby in (["service_id", "date:month"], ["partner_id"],
                        ["provider_id", "date:quarter"], ["plan_id", "partner_id", "date:year"]):
            self.assertTrue(Margin._fc_months_suffice(domain, groupby))
            by_month = Margin._read_group(domain, groupby, aggregates)
            # A condition on the id is one the monthly sums cannot answer: days are read.
            by_day = Margin._read_group(domain + [("id", "!=", 0)], groupby, aggregates)

            self.assertEqual(_rounded(by_month, len(groupby)), _rounded(by_day, len(groupby)),
                             groupby)
        self.assertTrue(Margin._fc_months_suffice(
            [("date", ">=", "2026-10-01"), ("date", "<=", "2026-11-30")], ["partner_id"]))
        for domain, groupby in (
            ([], ["date:day"]), ([], ["date:week"]), ([], ["date"]),
            ([("date", ">=", "2026-10-15")], ["partner_id"]),
            ([("date", "<=", "2026-11-29")], ["partner_id"]),
            ([("cost", ">", 0)], ["partner_id"]),
        ):
            self.assertFalse(Margin._fc_months_suffice(domain, groupby), (domain, groupby))


def _rounded(groups, keys):
    """Grouped results as ``{group key: amounts to the cent}``."""
    return {tuple(group[:keys]): tuple(round(value, 2) for value in group[keys:])
            for group in groups}
