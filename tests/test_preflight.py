# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The Enterprise pre-flight on the stand-ins: it passes, leaves nothing behind, sends
nothing, fails each check with a clear message when the stand-in breaks the assumption
the check is about, and gates Go Live."""

from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from odoo.addons.sale_subscription.models.sale_order import SaleOrder as StandinOrder

from ..engine import preflight as rules
from ..models import outbound_http
from ..models.preflight_sandbox import sandbox
from .common import FusionBillingCommon

# What the pre-flight could leave behind, were it to leave anything.
COUNTED = (
    "sale.order", "sale.order.line", "account.move", "account.move.line", "res.partner",
    "product.product", "payment.token", "payment.transaction", "mail.mail", "mail.message",
    "mail.followers", "fusion.billing.service", "fusion.billing.metric",
    "fusion.billing.charge", "fusion.billing.usage", "fusion.billing.rated.usage",
    "fusion.billing.reconciliation", "fusion.billing.webhook", "fusion.billing.cutover",
    "sale.subscription.plan", "ir.cron.trigger", "bus.bus",
)
# Days the pre-flight must pass on: a month's 31st, a leap day, a year's last day late in
# UTC (Kiritimati is already in the new year), a day Honolulu is still on the day before.
DAYS = (
    ("2026-03-31 10:00:00", "UTC"),
    ("2028-02-29 10:00:00", "America/Toronto"),
    ("2026-12-31 23:30:00", "Pacific/Kiritimati"),
    ("2027-01-01 05:00:00", "Pacific/Honolulu"),
)


@tagged("post_install", "-at_install")
class TestPreflight(FusionBillingCommon):
    def _run(self, at="2026-03-31 10:00:00", user=None):
        Preflight = self.env["fusion.billing.preflight"]
        with freeze_time(at):
            return (Preflight.with_user(user) if user else Preflight)._fc_run(self.company)

    def _results(self, run):
        return {check.code: (check.result, check.message or "") for check in run.check_ids}

    def _assert_only_failed(self, run, code, *words):
        """``code`` failed saying ``words``; every other check passed."""
        results = self._results(run)
        self.assertEqual(run.state, rules.FAILED)
        self.assertEqual(results.pop(code)[0], rules.FAILED)
        message = self._results(run)[code][1]
        for text in words:
            self.assertIn(text, message)
        self.assertEqual({result for result, _message in results.values()}, {rules.PASSED},
                         results)
        return message

    def _trace(self):
        """Everything the pre-flight could leave behind: rows, sequence numbers, the last
        invoice number of each journal, hooks queued for the commit."""
        self.env.flush_all()
        self.env.cr.flush()
        counts = {model: self.env[model].sudo().with_context(active_test=False)
                  .search_count([]) for model in COUNTED}
        sequences = {seq.id: seq.number_next_actual
                     for seq in self.env["ir.sequence"].sudo().search([])}
        self.env.flush_all()
        self.env.cr.execute("SELECT journal_id, max(sequence_number) FROM account_move"
                            " WHERE state = 'posted' GROUP BY journal_id")
        last_numbers = dict(self.env.cr.fetchall())
        hooks = [len(self.env.cr.postcommit._funcs), len(self.env.cr.precommit._funcs)]
        return counts, sequences, last_numbers, hooks

    # === IT PASSES, AND LEAVES NOTHING === #

    def test_passes_on_the_stand_ins_and_leaves_nothing_behind(self):
        before = self._trace()
        run = self._run()
        self.assertEqual(self._trace(), before, "no row, number or hook left behind")
        self.assertEqual(run.state, rules.PASSED, run._fc_report())
        self.assertEqual([check.code for check in run.check_ids.sorted("sequence")],
                         list(rules.CODES))
        self.assertEqual(set(run.check_ids.mapped("result")), {rules.PASSED})
        # The native run asked to charge the throw-away card: written down, not charged.
        self.assertIn("1 payment(s) asked", run.attempts)
        self.assertEqual(run.user_id, self.env.user)
        self.assertEqual(run.module_version, self.env["ir.module.module"].search(
            [("name", "=", "fusion_centralize_billing")]).latest_version)
        self.assertTrue(run.database and run.odoo_version and run.subscription_version)
        self.assertTrue(run.current)
        report = run._fc_report()
        self.assertIn(": PASSED", report)
        for check in rules.CHECKS:
            self.assertIn(f"[passed] {check.title}", report)

    def test_passes_on_any_day_in_any_time_zone(self):
        for at, tz in DAYS:
            with self.subTest(at=at, tz=tz):
                self.company.partner_id.tz = tz
                run = self._run(at)
                self.assertEqual(run.state, rules.PASSED, run._fc_report())

    def test_the_native_run_sees_only_the_preflights_own_orders(self):
        """The native cron's method, called as the scheduler calls it, would select every
        due subscription: the pre-flight narrows it to its throw-away orders."""
        self.service.sudo().mode = "live"
        plan = self._create_plan("due_real", billing_period_unit="month")
        real = self.env["sale.order"].create({
            "partner_id": self.partner.id, "x_fc_service_id": self.service.id,
            "x_fc_external_id": "real-1", "x_fc_plan_id": plan.id,
            "start_date": "2026-02-28", "next_invoice_date": "2026-03-28",
            "order_line": [Command.create({"product_id": self.product.id,
                                           "product_uom_qty": 1, "price_unit": 5.0})],
        })
        real.action_confirm()
        real.subscription_state = "3_progress"
        selected = []
        original = StandinOrder._create_recurring_invoice

        def spy(orders, batch_size=30):
            selected.extend(orders.search(orders._recurring_invoice_domain()).mapped("name"))
            return original(orders, batch_size)

        with patch.object(StandinOrder, "_create_recurring_invoice", spy):
            run = self._run()
        self.assertEqual(run.state, rules.PASSED, run._fc_report())
        self.assertTrue(selected)
        self.assertTrue(all(name.startswith("PREFLIGHT-") for name in selected), selected)
        self.assertFalse(real.invoice_ids)

    # === EACH CHECK FAILS WHEN ITS ASSUMPTION BREAKS === #

    def test_check_1_fails_when_native_invoicing_goes_around_create_invoices(self):
        def around_the_hook(orders, batch_size=30):
            subscriptions = orders or orders.search(orders._recurring_invoice_domain())
            invoices = orders.env["account.move"]
            for subscription in subscriptions:
                lines = subscription._get_invoiceable_lines()
                if not lines:
                    continue
                invoice = orders.env["account.move"].create({
                    **subscription._prepare_invoice(),
                    "invoice_line_ids": [Command.create(line._prepare_invoice_line())
                                         for line in lines]})
                invoice.action_post()
                subscription.next_invoice_date += subscription.plan_id.billing_period
                invoices |= invoice
            return invoices

        with patch.object(StandinOrder, "_create_recurring_invoice", around_the_hook):
            run = self._run()
        results = self._results(run)
        self.assertEqual(results[rules.NATIVE_INVOICE][0], rules.FAILED)
        self.assertIn("carry 0 usage line(s), not exactly one",
                      results[rules.NATIVE_INVOICE][1])
        self.assertEqual(run.state, rules.FAILED)

    def test_check_1_fails_when_native_invoicing_does_not_move_the_date(self):
        original = StandinOrder._create_recurring_invoice

        def stuck(orders, batch_size=30):
            dates = {order: order.next_invoice_date for order in orders.search(
                orders._recurring_invoice_domain())}
            invoices = original(orders, batch_size)
            for order, day in dates.items():
                order.next_invoice_date = day
            return invoices

        with patch.object(StandinOrder, "_create_recurring_invoice", stuck):
            run = self._run("2026-03-31 10:00:00")
        message = self._results(run)[rules.NATIVE_INVOICE][1]
        self.assertIn("The next invoice date is 2026-03-31, not one period on (2026-04-07)",
                      message)

    def test_check_2_fails_when_native_invoicing_selects_orders_without_a_plan(self):
        def without_plan(orders, extra_domain=None):
            return [("subscription_state", "=", "3_progress"),
                    ("next_invoice_date", "<=", "2026-03-31"), *(extra_domain or [])]

        with patch.object(StandinOrder, "_recurring_invoice_domain", without_plan):
            run = self._run()
        message = self._assert_only_failed(
            run, rules.SHADOW_INVISIBLE, "selects the subscription although it has no native "
            "plan", "tried to invoice it")
        self.assertIn("shadow mode", message)

    def test_check_3_fails_when_writing_the_plan_reprices_the_lines(self):
        def repricing(orders, vals):
            result = super(StandinOrder, orders).write(vals)
            if vals.get("plan_id"):
                orders.order_line.write({"price_unit": 12.0})
            return result

        with patch.object(StandinOrder, "write", repricing, create=True):
            run = self._run()
        self._assert_only_failed(run, rules.GO_LIVE_KEEPS_PRICES, "10.0 became 12.0",
                                 "The total changed from 10.00 to 12.00")

    def test_check_4_fails_when_native_invoicing_does_not_charge_payment_token_id(self):
        def without_the_card(orders, batch_size=30):
            subscriptions = orders or orders.search(orders._recurring_invoice_domain())
            invoices = orders.env["account.move"]
            for subscription in subscriptions.filtered(lambda s: s._get_invoiceable_lines()):
                invoice = subscription._create_invoices()
                invoice.action_post()
                subscription.next_invoice_date += subscription.plan_id.billing_period
                invoices |= invoice
            return invoices

        with patch.object(StandinOrder, "_create_recurring_invoice", without_the_card):
            run = self._run()
        self._assert_only_failed(run, rules.CARD, "asked for no payment for the subscription "
                                 "(1 invoice(s) made)")

    def test_a_check_that_raises_fails_or_could_not_run_and_the_others_still_run(self):
        def refusing(orders):
            raise UserError(orders.env._("Set the invoicing journal first."))

        with patch.object(StandinOrder, "_cron_recurring_create_invoice", refusing):
            run = self._run()
        results = self._results(run)
        self.assertEqual(results[rules.NATIVE_INVOICE],
                         (rules.NOT_RUN, "Odoo refused: Set the invoicing journal first."))
        self.assertEqual(results[rules.CARD], (
            rules.NOT_RUN, "The native run stopped before asking for a payment: Set the "
            "invoicing journal first."))
        self.assertEqual(results[rules.GO_LIVE_KEEPS_PRICES][0], rules.NOT_RUN)

        def broken(orders):
            raise TypeError("_create_recurring_invoice() got an unexpected keyword")

        with patch.object(StandinOrder, "_cron_recurring_create_invoice", broken):
            run = self._run()
        self.assertEqual(self._results(run)[rules.NATIVE_INVOICE], (
            rules.FAILED, "It stopped with TypeError: _create_recurring_invoice() got an "
            "unexpected keyword"))

    def test_a_set_up_that_fails_runs_no_check(self):
        with patch.object(type(self.env["fusion.billing.usage"]), "_ingest",
                          lambda *args, **kwargs: ([], {"0": {"code": ["metric_not_found"]}})):
            run = self._run()
        self.assertEqual(set(run.check_ids.mapped("result")), {rules.NOT_RUN})
        self.assertEqual(run.check_ids[0].message, "The throw-away records could not be set "
                         "up: The usage push was refused: code: metric_not_found")
        self.assertEqual(run.state, rules.FAILED)

    # === NOTHING LEAVES THE DATABASE === #

    def test_the_sandbox_takes_everything_back_and_sends_nothing(self):
        Partner = self.env["res.partner"]
        stripe = self.env.ref("payment.payment_provider_stripe")
        card = self.env.ref("payment.payment_method_card")
        self.service.sudo().write({"mode": "live", "webhook_url": "https://app.example.com/h"})
        cr = self.env.cr
        guard, hooks = vars(cr).get("commit"), len(cr.postcommit._funcs)
        with sandbox(self.env) as box:
            env = box.env
            kept = env["res.partner"].create({"name": "Made in the sandbox"})
            env.cr.commit()  # the native invoicing commits per batch: only a flush here
            with box.nested():
                env["res.partner"].create({"name": "Made in a block"})
                env.cr.rollback()  # back to the block's start, not the caller's
                self.assertTrue(kept.exists())
                self.assertFalse(Partner.search([("name", "=", "Made in a block")]))
            message = env["ir.mail_server"]._build_email__(
                "billing@example.com", ["customer@example.com"], "Invoice", "Body")
            self.assertEqual(env["ir.mail_server"].send_email(message), message["Message-Id"])
            self.assertIsNone(env["ir.mail_server"]._connect__(host="smtp.example.com"))
            token = env["payment.token"].create({
                "provider_id": stripe.id, "payment_method_id": card.id,
                "partner_id": kept.id, "provider_ref": "cus_x", "payment_details": "4242",
                "stripe_payment_method": "pm_x"})
            transaction = env["payment.transaction"].create({
                "provider_id": stripe.id, "payment_method_id": card.id, "amount": 10.0,
                "currency_id": self.company.currency_id.id, "partner_id": kept.id,
                "token_id": token.id, "operation": "offline", "reference": "PREFLIGHT-TX"})
            transaction._charge_with_token()
            transaction._send_payment_request()
            env["fusion.billing.webhook"]._fc_enqueue(self.service, "customer.updated", kept,
                                                      object_type="customer", obj={"id": 1})
            env.cr.postcommit.add(lambda: self.fail("a hook queued in the sandbox ran"))
            with patch.object(outbound_http, "post", side_effect=AssertionError("sent")):
                self.assertEqual(env["fusion.billing.webhook"]._fc_deliver(), 0)
            self.assertEqual(transaction.state, "draft", "nothing charged")
            counts = box.outbox.counts()
        self.assertEqual(counts, {"mail": 1, "smtp": 1, "charge": 1, "payment_request": 1,
                                  "webhook": 1, "webhook_delivery": 1})
        self.assertFalse(kept.exists())
        self.assertFalse(self.env["payment.transaction"].search(
            [("reference", "=", "PREFLIGHT-TX")]))
        self.assertEqual(len(cr.postcommit._funcs), hooks)
        self.assertIs(vars(cr).get("commit"), guard, "the test's own commit guard is back")

    # === GO LIVE, THE SERVICE, THE SETTINGS === #

    def test_go_live_is_refused_without_a_passed_preflight_unless_overridden(self):
        manager = self.service.with_user(self.billing_manager)
        with freeze_time("2026-03-31 10:00:00"):
            self.assertEqual(manager.preflight_state, "none")
            blockers = manager._fc_go_live_blockers()
            self.assertIn("No passed Enterprise pre-flight on this database since the last "
                          "upgrade: run Check Enterprise Coupling.", blockers)
            with self.assertRaisesRegex(UserError, "Check Enterprise Coupling"):
                manager._fc_go_live()
            decision = manager._fc_go_live(reason="Staging copy: checked by hand")
        self.assertIn("No passed Enterprise pre-flight", decision.blockers)
        self.assertEqual(decision.override_reason, "Staging copy: checked by hand")

    def test_an_administrator_runs_it_from_the_service_and_a_user_cannot(self):
        with freeze_time("2026-03-31 10:00:00"):
            action = self.service.with_user(
                self.billing_manager).action_check_enterprise_coupling()
        run = self.env["fusion.billing.preflight"].browse(action["res_id"])
        self.assertEqual((action["res_model"], run.state, run.user_id),
                         ("fusion.billing.preflight", rules.PASSED, self.billing_manager))
        service = self.service.with_user(self.billing_user)
        self.assertEqual((service.preflight_state, service.preflight_id), ("passed", run))
        self.assertNotIn("pre-flight", " ".join(self.service._fc_go_live_blockers()))
        with self.assertRaisesRegex(UserError, "Billing Administrator"):
            service.action_check_enterprise_coupling()
        # Finance staff read the runs.
        self.assertEqual(run.with_user(self.billing_user).check_ids.mapped("result"),
                         [rules.PASSED] * 4)

    def test_the_settings_run_it_for_the_current_company(self):
        # Settings are for system administrators (the superuser is also a Billing
        # Administrator).
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.fc_preflight_state, "none")
        with freeze_time("2026-03-31 10:00:00"):
            action = settings.action_fc_check_enterprise_coupling()
        run = self.env["fusion.billing.preflight"].browse(action["res_id"])
        self.assertEqual((run.company_id, run.state), (self.company, rules.PASSED))
        settings.invalidate_recordset()
        self.assertEqual((settings.fc_preflight_state, settings.fc_preflight_id),
                         ("passed", run))

    def test_a_run_of_other_versions_is_out_of_date(self):
        run = self._run()
        self.assertTrue(self.env["fusion.billing.preflight"]._fc_passed(self.company))
        run.sudo().write({"module_version": "19.0.1.0.0", "subscription_version": "1.0"})
        run.invalidate_recordset()
        self.assertFalse(run.current)
        self.assertEqual(run.changed, "sale_subscription Version, Module Version")
        self.assertEqual(self.service.preflight_state, "stale")
        self.assertFalse(self.env["fusion.billing.preflight"]._fc_passed(self.company))
        self.assertIn("since the last upgrade", " ".join(self.service._fc_go_live_blockers()))
        # A failed run on the code running now counts as the last word, too.
        again = self._run()
        again.sudo().state = rules.FAILED
        self.service.invalidate_recordset()
        self.assertEqual(self.service.preflight_state, "failed")
        self.assertFalse(self.env["fusion.billing.preflight"]._fc_passed(self.company))
