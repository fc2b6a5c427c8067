# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Provider costs in: idempotent by source, provider, customer and day; a resend replaces
with its trace; other currencies converted with Odoo's rate of the cost's day."""

import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from odoo.addons.fusion_centralize_billing.engine.errors import ValidationFailure

from .margin_common import NOW, D, MarginCommon


@tagged("post_install", "-at_install")
@freeze_time(NOW.replace(tzinfo=None))
class TestMarginCosts(MarginCommon):
    def test_costs_sent_twice_count_once(self):
        items = [self._cost(external_customer_id="cus_alpha", units="1500", unit="tokens"),
                 self._cost(external_customer_id="cus_beta", cents=99),
                 self._cost(provider="Twilio", cents=500)]
        first = self._ingest(items)
        self.assertEqual([outcome for _cost, outcome in first], ["created"] * 3)
        again = self._ingest(items)
        self.assertEqual([outcome for _cost, outcome in again], ["unchanged"] * 3)
        self.assertEqual([cost for cost, _o in again], [cost for cost, _o in first])
        costs = self.Cost.search([("service_id", "=", self.service.id)])
        self.assertEqual(len(costs), 3)
        self.assertEqual(sum(costs.mapped("amount")), 18.33)
        self.assertFalse(costs.revision_ids, "an identical resend leaves no trace")
        alpha = first[0][0]
        self.assertEqual((alpha.partner_id, alpha.plan_id, alpha.provider_id.code),
                         (self.alpha, self.plan, "openai"))
        self.assertEqual((alpha.quantity, alpha.unit, alpha.source), (1500, "tokens", "api"))
        self.assertEqual(alpha.allocation_state, "direct")
        twilio = first[2][0]
        self.assertFalse(twilio.partner_id)
        self.assertEqual(twilio.allocation_state, "pending", "a cost without customer waits")
        # The same day and provider from another source is another cost.
        [(other, outcome)] = self._ingest([self._cost(external_customer_id="cus_alpha",
                                                      source="fusion_api")])
        self.assertEqual(outcome, "created")
        self.assertNotEqual(other, alpha)

    def test_a_resend_replaces_and_keeps_the_replaced_figures(self):
        [(cost, _outcome)] = self._ingest([self._cost(
            external_customer_id="cus_alpha", units="1000", unit="tokens")])
        [(again, outcome)] = self._ingest([self._cost(
            external_customer_id="cus_alpha", cents=2000, units="1600", unit="tokens",
            billable_metric_code="map_loads")])
        self.assertEqual((again, outcome), (cost, "replaced"))
        self.assertEqual((cost.amount, cost.quantity, cost.metric_id, cost.revision),
                         (20.0, 1600, self.map_loads, 1))
        revision = cost.revision_ids
        self.assertEqual(len(revision), 1)
        self.assertEqual((revision.amount, revision.new_amount, revision.quantity,
                          revision.metric_id), (12.34, 20.0, 1000, self.map_loads.browse()))
        self.assertTrue(cost.revised_date)
        # A second correction adds a second trace; its figures are the first correction's.
        self._ingest([self._cost(external_customer_id="cus_alpha", cents=1999)])
        self.assertEqual(cost.revision, 2)
        self.assertEqual(cost.revision_ids.sorted("id").mapped("amount"), [12.34, 20.0])
        self.assertEqual((cost.quantity, cost.unit, cost.metric_id.id), (0, False, False))

    def test_other_currencies_on_the_rate_of_the_cost_day(self):
        code = self.foreign.name
        items = [
            # 2026-11-05: the rate of 2026-11-01 (0.8): 84.005 -> 105.00625 -> 105.01.
            self._cost(day="2026-11-05", cents=None, precise_amount_cents="8400.5",
                       amount_currency=code, external_customer_id="cus_alpha"),
            # 2026-11-10: that day's rate (0.75): 100.00 -> 133.333.. -> 133.33.
            self._cost(day="2026-11-10", cents=10000, amount_currency=code.lower(),
                       external_customer_id="cus_alpha"),
            # In the company's currency: nothing converted, nothing kept beside it.
            self._cost(day="2026-11-10", cents=10000, provider="Twilio",
                       amount_currency=self.currency.name),
        ]
        (early, _o1), (late, _o2), (home, _o3) = self._ingest(items)
        self.assertEqual((early.amount, early.original_amount, early.original_currency_id),
                         (105.01, 84.005, self.foreign))
        self.assertEqual(D(str(early.exchange_rate)), D("1.25"))
        self.assertEqual(late.amount, 133.33)
        self.assertEqual((home.amount, home.original_currency_id.id, home.exchange_rate),
                         (100.0, False, 0.0))
        # The exact figures are kept: a resend with the same original is unchanged.
        self.assertEqual(self._ingest(items[:1])[0][1], "unchanged")
        values = early._fc_api_values_many()[0]
        self.assertEqual((values["original_amount"], values["rate"]),
                         (D("84.005"), D("1.25")))

    def test_every_bad_cost_is_refused_by_index_and_nothing_is_written(self):
        errors = self._errors([
            self._cost("Refused Provider", external_customer_id="cus_alpha"),
            self._cost(external_customer_id="cus_nobody", billable_metric_code="nope"),
            self._cost(day="2026-11-25"),
            self._cost(amount_currency="XYZ"),
            self._cost("Refused Provider", external_customer_id="cus_alpha"),
            "not a cost",
        ])
        self.assertEqual(errors, {
            "1": {"external_customer_id": ["customer_not_found"],
                  "billable_metric_code": ["metric_not_found"]},
            "2": {"date": ["date_in_the_future"]},
            "3": {"amount_currency": ["currency_not_found"]},
            "4": {"cost": ["duplicated_in_batch"]},
            "5": {"cost": ["invalid_format"]},
        })
        self.assertFalse(self.Cost.search([("service_id", "=", self.service.id)]))
        self.assertFalse(self.env["fusion.billing.provider"].search(
            [("code", "=", "refused_provider")]), "a refused batch makes no provider")

    def test_a_currency_without_any_rate_is_refused(self):
        bare = self.env.ref("base.JPY" if self.currency.name != "JPY" else "base.GBP")
        bare.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", bare.id)]).unlink()
        errors = self._errors([self._cost(amount_currency=bare.name, cents=500)])
        self.assertEqual(errors, {"0": {"amount_currency": ["exchange_rate_missing"]}})

    def test_batch_limits(self):
        with self.assertRaises(ValidationFailure) as caught:
            self.Cost._fc_ingest(self.service, [self._cost(day=f"2026-11-{d:02d}")
                                                for d in range(1, 21)] * 6, now=NOW)
        self.assertEqual(caught.exception.details, {"costs": ["too_many_costs"]})
        with self.assertRaises(ValidationFailure) as caught:
            self.Cost._fc_ingest(self.service, [], now=NOW)
        self.assertEqual(caught.exception.details, {"costs": ["no_costs"]})

    def test_costs_are_facts_billing_users_read_but_never_type(self):
        [(cost, _outcome)] = self._ingest([self._cost(external_customer_id="cus_alpha")])
        as_user = cost.with_user(self.billing_user)
        self.assertEqual(as_user.amount, 12.34, "a Billing User reads costs")
        with self.assertRaises(AccessError):
            as_user.write({"amount": 1})
        with self.assertRaises(AccessError):
            self.env["fusion.billing.cost"].with_user(self.billing_user).create({
                "service_id": self.service.id, "provider_id": cost.provider_id.id,
                "date": "2026-11-01", "source": "hand"})
        with self.assertRaises(AccessError):
            as_user.unlink()
        # Not even an administrator types a cost in: it comes from its source.
        with self.assertRaises(AccessError):
            cost.with_user(self.billing_manager).write({"amount": 1})

        self.assertEqual(cost.amount, 12.34)


@tagged("post_install", "-at_install")
@freeze_time(NOW.replace(tzinfo=None))
class TestMarginUpload(MarginCommon):
    def _upload(self, text, **values):
        wizard = self.env["fusion.billing.cost.upload"].with_user(self.billing_manager).create({
            "service_id": self.service.id, "file": base64.b64encode(text.encode()),
            "filename": "bill.csv", **values})
        wizard.action_upload()
        return wizard

    def test_a_monthly_bill_becomes_daily_costs_once(self):
        Provider = self.env["fusion.billing.provider"]
        maps = Provider.browse(
            Provider._fc_ids_by_code({"google_maps": "Google Maps"})["google_maps"])
        text = ("period_start,period_end,amount,units,unit,external_customer_id\n"
                "2026-10-01,2026-10-31,310.00,31000,map loads,\n"
                "2026-10-01,2026-10-31,0.31,,,\n"
                "2026-10-15,2026-10-15,4.50,,,cus_beta\n")
        wizard = self._upload(text, provider_id=maps.id)
        self.assertEqual((wizard.state, wizard.created_count), ("done", 32))
        costs = self.Cost.search([("source", "=", "csv")])
        self.assertEqual(len(costs), 32)
        self.assertEqual(round(sum(costs.mapped("amount")), 2), 314.81)
        shared = costs.filtered(lambda c: not c.partner_id)
        # 310.31 over 31 days: 10.01 a day, nothing left over.
        self.assertEqual(set(shared.mapped("amount")), {10.01})
        self.assertEqual(set(shared.mapped("quantity")), {1000})
        beta = costs.filtered("partner_id")
        self.assertEqual((beta.partner_id, beta.amount, beta.provider_id),
                         (self.beta, 4.5, maps))
        self.assertEqual(wizard.line_ids.filtered(lambda line: line.cost_id == beta).lines, "4")
        # The same bill again changes nothing; a corrected one replaces its days.
        again = self._upload(text, provider_id=maps.id)
        self.assertEqual((again.created_count, again.unchanged_count), (0, 32))
        corrected = self._upload(text.replace("4.50", "5.00"), provider_id=maps.id)
        self.assertEqual((corrected.replaced_count, corrected.unchanged_count), (1, 31))
        self.assertEqual((beta.amount, beta.revision_ids.amount), (5.0, 4.5))

    def test_a_bill_with_a_problem_is_refused_whole(self):
        wizard = self._upload(
            "date,amount,provider,external_customer_id\n"
            "2026-11-02,12.00,Twilio,\n"
            "2026-11-03,twelve,Twilio,\n"
            "2026-11-04,1.00,Twilio,cus_nobody\n")
        self.assertEqual(wizard.state, "failed")
        self.assertIn("line 3.amount: value_is_not_valid_number", wizard.problems)
        self.assertFalse(self.Cost.search([("source", "=", "csv")]))
        # Once the file reads well, the customers are checked: still nothing stored.
        wizard = self._upload(
            "date,amount,provider,external_customer_id\n"
            "2026-11-02,12.00,Twilio,\n"
            "2026-11-04,1.00,Twilio,cus_nobody\n")
        self.assertEqual(wizard.problems,
                         "line 3: external_customer_id: customer_not_found")
        self.assertFalse(self.Cost.search([("source", "=", "csv")]))
        with self.assertRaises(UserError):
            self.env["fusion.billing.cost.upload"].with_user(self.billing_manager).create({
                "service_id": self.service.id, "file": base64.b64encode(b"\xff\xfe\x00"),
            }).action_upload()

    def test_billing_users_do_not_upload(self):
        with self.assertRaises(AccessError):
            self.env["fusion.billing.cost.upload"].with_user(self.billing_user).create({
                "service_id": self.service.id, "file": base64.b64encode(b"date,amount\n")})
