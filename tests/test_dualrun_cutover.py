# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Readiness, the gated Go Live, the first live invoice, and Back to Shadow."""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .dualrun_common import DualRunCommon

SEP, SEP_END = date(2026, 9, 1), date(2026, 9, 30)
OCT, OCT_END = date(2026, 10, 1), date(2026, 10, 31)


@tagged("post_install", "-at_install")
class TestDualRunCutover(DualRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub_a = cls._subscription("sub-a", start="2026-09-01", next_invoice=False)
        cls.sub_b = cls._subscription("sub-b", start="2026-09-01", next_invoice=False)
        cls.token = cls.env["payment.token"].create({
            "provider_id": cls.env.ref("payment.payment_provider_stripe").id,
            "payment_method_id": cls.env.ref("payment.payment_method_card").id,
            "partner_id": cls.partner.id, "provider_ref": "cus_S1",
            "stripe_payment_method": "pm_visa", "payment_details": "4242",
        })
        cls.sub_b.x_fc_payment_token_id = cls.token
        # Go Live needs a passed Enterprise pre-flight on this database (the real one, on
        # the stand-ins).
        with freeze_time("2026-11-20 12:00:00"):
            cls.preflight = cls.env["fusion.billing.preflight"]._fc_run(cls.company)

    def setUp(self):
        super().setUp()
        self._push([self._event("c-a", "api_calls", "15", at="2026-10-03T00:00:00Z",
                                sub="sub-a")])
        self._rate("2026-11-02 06:00:00")
        self._intake([
            self._app_invoice("a-sep", "sub-a", SEP, SEP_END),
            self._app_invoice("a-oct", "sub-a", OCT, OCT_END),
            self._app_invoice("b-sep", "sub-b", SEP, SEP_END),
            # A wrong tier price in the app: five dollars off on October's usage.
            self._app_invoice("b-oct", "sub-b", OCT, OCT_END,
                              shift={"total": -500, "api_calls": -500}),
        ])
        self.manager_service = self.service.with_user(self.billing_manager)

    def _readiness(self, today=date(2026, 11, 20)):
        return self.service._fc_readiness(today)

    def test_readiness_math(self):
        result, largest = self._readiness()
        rows = len(self.env["fusion.billing.reconciliation"].search(
            [("service_id", "=", self.service.id)]))
        self.assertEqual((result.subscriptions, result.ready_subscriptions, result.rows),
                         (2, 1, rows))
        self.assertEqual((result.matched_rows, result.absolute_difference_cents),
                         (rows - 2, 500))
        self.assertFalse(result.ready)
        first = self.env["fusion.billing.reconciliation"].browse(largest[0])
        self.assertEqual((first.subscription_key, first.period_start, abs(first.difference)),
                         ("sub-b", OCT, 5.0))
        self.assertEqual(len(largest), 2, "the total and the metric, nothing that matched")
        # One period is enough for the service: October of sub-b still fails it.
        self.service.readiness_periods = 1
        self.assertFalse(self._readiness()[0].ready)
        # Half the subscriptions ready is enough for a service that says so.
        self.service.readiness_share = 50
        self.assertTrue(self._readiness()[0].ready)
        # Before October closed, only September counts: everything matched.
        self.service.readiness_share = 100
        self.assertTrue(self._readiness(today=date(2026, 10, 31))[0].ready)
        with freeze_time("2026-11-20 12:00:00"):
            form = self.service.with_user(self.billing_user)
            self.assertEqual((form.readiness_ready, form.readiness_subscriptions,
                              form.readiness_ready_subscriptions, form.readiness_difference),
                             (False, 2, 1, 5.0))
            self.assertIn("1 of 2 subscriptions match", form.readiness_blockers)

    def test_go_live_is_refused_without_readiness_and_allowed_with_a_reason(self):
        with freeze_time("2026-11-20 12:00:00"):
            self.assertTrue(self.service._fc_go_live_blockers())
            with self.assertRaisesRegex(UserError, "not ready to go live"):
                self.manager_service._fc_go_live()
            with self.assertRaisesRegex(UserError, "not ready to go live"):
                self.manager_service.action_set_live()
            with self.assertRaisesRegex(UserError, "Billing Administrator"):
                self.service.with_user(self.billing_user)._fc_go_live(reason="I say so")
            self.assertEqual(self.service.mode, "shadow")
            wizard = self.env["fusion.billing.go.live.wizard"].with_user(
                self.billing_manager).create({"service_id": self.service.id,
                                              "override": True, "reason": "CFO agreed: "
                                              "sub-b's price is fixed from December"})
            self.assertFalse(wizard.ready)
            wizard.action_go_live()
        self.assertEqual(self.service.mode, "live")
        [decision] = self.service.cutover_ids
        self.assertEqual((decision.decision, decision.ready, decision.user_id),
                         ("live", False, self.billing_manager))
        self.assertIn("CFO agreed", decision.override_reason)
        self.assertEqual(decision.readiness["ready_subscriptions"], 1)
        self.assertEqual(decision.readiness["absolute_difference_cents"], 500)
        self.assertEqual((decision.subscription_count, decision.card_count), (2, 1))
        self.assertIn("CFO agreed", self.service.message_ids[0].body)
        # Native billing from the next period; the card imported from the app.
        self.assertEqual((self.sub_b.next_invoice_date, self.sub_b.x_fc_live_from),
                         (date(2026, 12, 1), date(2026, 12, 1)))
        self.assertEqual(self.sub_b.payment_token_id, self.token)
        self.assertEqual(self.sub_b.plan_id, self.plan)

    def test_a_ready_service_goes_live_without_an_override(self):
        self.service.readiness_share = 50
        with freeze_time("2026-11-20 12:00:00"):
            self.assertEqual(self.service._fc_go_live_blockers(), [])
            decision = self.manager_service._fc_go_live()
        self.assertTrue(decision.ready)
        self.assertFalse(decision.override_reason)
        self.assertEqual(decision.readiness["matched_share"], str(self._readiness()[0]
                                                                     .matched_share))

    def test_a_ready_service_needs_a_passed_preflight_since_the_last_upgrade(self):
        self.assertEqual(self.preflight.state, "passed", self.preflight._fc_report())
        self.service.readiness_share = 50
        Preflight = self.env["fusion.billing.preflight"]
        with freeze_time("2026-11-20 12:00:00"):
            self.assertEqual(self.service._fc_go_live_blockers(), [])
            # A run after an upgrade of the module: the one before proves nothing now.
            self.preflight.module_version = "19.0.0.0.1"
            self.service.invalidate_recordset()
            self.assertEqual(self.service.preflight_state, "stale")
            self.assertEqual(self.service.preflight_changed, "Module Version")
            with self.assertRaisesRegex(UserError, "No passed Enterprise pre-flight"):
                self.manager_service._fc_go_live()
            # A failed run on the code running now stops it too.
            Preflight.create({"user_id": self.env.uid, "company_id": self.company.id,
                              "state": "failed", **Preflight._fc_environment()})
            self.service.invalidate_recordset()
            self.assertEqual(self.service.preflight_state, "failed")
            with self.assertRaisesRegex(UserError, "run Check Enterprise Coupling"):
                self.manager_service.action_set_live()
            self.manager_service.action_check_enterprise_coupling()
            self.service.invalidate_recordset()
            self.assertEqual(self.service.preflight_state, "passed")
            decision = self.manager_service._fc_go_live()
        self.assertTrue(decision.ready)
        self.assertFalse(decision.override_reason)

    def test_never_back_bill_a_period_the_app_billed(self):
        # The app billed sub-a's December in advance: native billing starts in January.
        self._intake([{"invoice_id": "a-dec", "external_subscription_id": "sub-a",
                       "from_date": "2026-12-01", "to_date": "2026-12-31",
                       "currency": self.currency, "amount_cents": 4900}])
        with freeze_time("2026-11-20 12:00:00"):
            self.manager_service._fc_go_live(reason="tested")
        self.assertEqual(self.sub_a.next_invoice_date, date(2027, 1, 1))
        self.assertEqual(self.sub_b.next_invoice_date, date(2026, 12, 1))

    def test_first_live_invoice_covers_the_next_period_then_no_way_back(self):
        with freeze_time("2026-11-20 12:00:00"):
            self.manager_service._fc_go_live(reason="tested")
            # Before any live invoice, going back is allowed (and forth again).
            self.manager_service.action_set_shadow()
            self.assertEqual(self.service.mode, "shadow")
            self.assertFalse(self.sub_b.plan_id)
            self.manager_service._fc_go_live(reason="tested again")
        self.assertEqual([d.decision for d in self.service.cutover_ids.sorted("id")],
                         ["live", "shadow", "live"])
        self._push([self._event("c-b-nov", "api_calls", "4", at="2026-11-21T00:00:00Z",
                                sub="sub-b")])
        with freeze_time("2026-12-01 06:00:00"):
            self._rate("2026-12-01 06:00:00")
            invoices = self.env["sale.order"]._cron_recurring_create_invoice()
        invoice = invoices.filtered(lambda m: m.partner_id == self.partner)
        self.assertEqual(len(invoice), 2, "both subscriptions' first live invoice")
        for move in invoice:
            self.assertEqual(move.state, "posted")
            self.assertEqual(move.invoice_date, date(2026, 12, 1))
            self.assertEqual(move.invoice_line_ids.product_id, self.base_product,
                             "the plan only: November's usage was the app's to bill")
            self.assertEqual(set(move.invoice_line_ids.mapped("deferred_start_date")),
                             {date(2026, 12, 1)})
        self.assertEqual(self.sub_b.payment_token_id, self.token)
        nov = self._lines("sub-b", date(2026, 11, 1))
        self.assertTrue(nov["total"].odoo_reported, "November reconciled, not invoiced")
        self.assertEqual(self.service.live_invoice_count, 2)
        with self.assertRaisesRegex(UserError, "cannot go back to shadow"):
            self.manager_service.action_set_shadow()
        self.assertEqual(self.service.mode, "live")

    def test_billing_user_reads_but_neither_writes_app_figures_nor_decides(self):
        as_user = self.env["fusion.billing.app.invoice"].with_user(self.billing_user)
        invoice = as_user.search([("name", "=", "b-oct")])
        self.assertEqual(invoice.amount_cents, invoice.sudo().amount_cents)
        self.assertTrue(invoice.reconciliation_ids)
        with self.assertRaises(AccessError):
            invoice.write({"amount_cents": 1})
        with self.assertRaises(AccessError):
            as_user.create({"name": "x", "service_id": self.service.id,
                            "external_subscription_id": "sub-a", "from_date": OCT,
                            "to_date": OCT_END, "currency_id": self.env.company.currency_id.id,
                            "source": "api"})
        line = invoice.reconciliation_ids[:1].with_user(self.billing_user)
        with self.assertRaises(AccessError):
            line.write({"app_amount": 1.0})
        service = self.service.with_user(self.billing_user)
        for attempt in (service.action_open_go_live, service.action_set_shadow,
                        lambda: service._fc_go_live(reason="x")):
            with self.assertRaises(UserError):
                attempt()
        with self.assertRaises(UserError):  # an AccessError is a UserError
            service.write({"mode": "live"})
        with self.assertRaisesRegex(UserError, "Go Live or Back to Shadow"):
            self.service.with_user(self.billing_manager).write({"mode": "live"})
