# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The import wizard end to end: sources, dry run, re-runs, Stripe cards, shadow safety."""

import base64
import csv
import io

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import config

from .import_common import CUSTOMERS, PLANS, SUBSCRIPTIONS, ImportCommon, card


def _sub(**values):
    return {**SUBSCRIPTIONS[0], **values}


@tagged("post_install", "-at_install")
class TestImportWizard(ImportCommon):
    def test_import_creates_partners_links_subscriptions_and_stripe_tokens(self):
        run = self._run()
        self.assertEqual(
            (run.created_count, run.updated_count, run.read_count, run.skipped_count,
             run.failed_count), (6, 0, 3, 0, 0))
        self.assertEqual(run.user_id, self.billing_manager)
        self.assertEqual(run.source_type, "database")
        self.assertIn(self.source_db, run.source_label)
        self.assertNotIn("password", run.source_label)
        orders = {o.x_fc_external_id: o for o in self._orders()}
        self.assertEqual(set(orders), {"sub_1", "sub_2", "sub_3"})
        sub_1 = orders["sub_1"]
        self.assertEqual(sub_1.partner_id, self.partner)
        self.assertEqual(sub_1.state, "sale")
        self.assertTrue(sub_1.x_fc_shadow)
        self.assertEqual(sub_1.order_line.price_unit, 49.0, "the source price, not the "
                         "product's 55")
        self.assertEqual(str(sub_1.start_date), "2026-11-01")
        self.assertEqual(sub_1.x_fc_app_status, "active")
        token = sub_1.x_fc_payment_token_id
        self.assertEqual((token.provider_id, token.partner_id, token.provider_ref,
                          token.stripe_payment_method, token.payment_details),
                         (self.stripe_provider, self.partner, "cus_S1", "pm_visa", "4242"))
        self.assertEqual(token.payment_method_id.code, "visa")
        self.assertEqual(orders["sub_2"].x_fc_payment_token_id.payment_method_id.code,
                         "mastercard")
        self.assertFalse(orders["sub_3"].x_fc_payment_token_id)

    def test_null_and_zero_prices_side_by_side(self):
        self._seed(CUSTOMERS, [
            {"code": "pro", "monthly_price": None, "yearly_price": "490.00"},
            {"code": "free", "monthly_price": "0", "yearly_price": None},
        ], [
            _sub(id="on_null", plan_code="pro", stripe_payment_method_id=None),
            _sub(id="on_zero", plan_code="free", stripe_payment_method_id=None),
        ])
        for source in ("database", "csv"):
            with self.subTest(source=source):
                lines = self._lines(self._run(source, dry_run=True))
                self.assertEqual(lines[("subscriptions", "on_null")].outcome, "failed")
                self.assertEqual(lines[("subscriptions", "on_zero")].outcome, "created")
                self.assertIn("monthly NULL", lines[("plans", "pro")].reason)
                self.assertIn("monthly 0", lines[("plans", "free")].reason)

    def test_a_subscription_whose_customer_is_missing_fails(self):
        self._seed(CUSTOMERS, PLANS, [*SUBSCRIPTIONS, _sub(id="sub_9", customer_id="cus_404")])
        run = self._run()
        line = self._lines(run)[("subscriptions", "sub_9")]
        self.assertEqual((line.outcome, line.error_type), ("failed", "RowError"))
        self.assertEqual(line.reason, "customer 'cus_404' is not in the customers table")
        self.assertEqual(len(self._orders()), 3)

    def test_a_wrong_password_is_a_user_error_that_never_shows_the_password(self):
        wizard = self._wizard(source_password="not-the-password-42")
        with self.assertRaises(UserError) as caught:
            wizard.action_run()
        message = str(caught.exception)
        self.assertIn("Authentication to the source database", message)
        self.assertIn(f"failed for user {config['db_user']}", message)
        self.assertNotIn("not-the-password-42", message)

    def test_the_password_is_never_stored_in_clear(self):
        wizard = self._wizard(source_password="s3cret-Pa55")
        self.env.flush_all()
        self.env.cr.execute("SELECT * FROM fusion_billing_import_wizard WHERE id = %s",
                            [wizard.id])
        row = self.env.cr.fetchone()
        self.assertFalse([value for value in row if "s3cret-Pa55" in str(value)])
        self.assertTrue(wizard.sudo().source_password_sealed)
        wizard.invalidate_recordset()
        self.assertFalse(wizard.source_password, "never read back")
        with self.assertRaises(UserError):
            self._wizard(source_dsn="postgresql://odoo:s3cret@127.0.0.1/x")

    def test_a_re_run_after_the_source_changed(self):
        self._seed(CUSTOMERS, PLANS, [*SUBSCRIPTIONS, _sub(id="sub_4", plan_code="starter")])
        first = self._run()
        self.assertEqual(self._lines(first)[("subscriptions", "sub_4")].outcome, "failed")
        self._seed(
            [*CUSTOMERS, {"id": "cus_5", "email": "new@client.example", "name": "New Client",
                          "stripe_customer_id": "cus_S5"}],
            [{**PLANS[0]}, PLANS[1], {"code": "starter", "monthly_price": "19.00",
                                      "yearly_price": "99.00"}],
            [*SUBSCRIPTIONS[:2], {**SUBSCRIPTIONS[2], "status": "canceled"},
             _sub(id="sub_4", plan_code="starter"),
             _sub(id="sub_5", customer_id="cus_5", stripe_payment_method_id=None)],
        )
        second = self._run()
        lines = self._lines(second)
        self.assertEqual({key: line.outcome for (table, key), line in lines.items()
                          if table != "plans"}, {
            "cus_1": "updated", "cus_2": "updated", "cus_3": "updated", "cus_5": "created",
            "sub_1": "updated", "sub_2": "updated", "sub_3": "updated", "sub_4": "created",
            "sub_5": "created"})
        self.assertIn("canceled in the source: end it in Odoo",
                      lines[("subscriptions", "sub_3")].reason)
        orders = {o.x_fc_external_id: o for o in self._orders()}
        self.assertEqual(orders["sub_4"].order_line.price_unit, 19.0)
        self.assertEqual(orders["sub_3"].x_fc_app_status, "canceled")
        self.assertEqual(len(orders), 5)
        self.assertEqual(len(self.env["payment.token"].search(
            [("provider_id", "=", self.stripe_provider.id)])), 2, "no card saved twice")

    def test_csv_files_give_the_same_result_as_the_database(self):
        self._seed(CUSTOMERS, PLANS, [
            *SUBSCRIPTIONS, _sub(id="sub_h3", billing_cycle="Quarterly"),
            _sub(id="sub_m5", plan_code="starter"), _sub(id="sub_x", customer_id="nobody"),
        ])
        from_db = self._run(dry_run=True)
        from_csv = self._run("csv", dry_run=True)
        # The database is read in id order, the files in their own order.
        self.assertEqual(sorted(self._results(from_csv)), sorted(self._results(from_db)))
        self.assertEqual(from_csv.source_label, "customers.csv, plans.csv, subscriptions.csv")
        real = self._run("csv")
        self.assertEqual(sorted(r[:3] for r in self._results(real)),
                         sorted(r[:3] for r in self._results(from_db)))

    def test_a_csv_file_missing_a_column_is_a_user_error(self):
        wizard = self._wizard("csv", customers_file=base64.b64encode(b"id,name\r\n1,x\r\n"))
        with self.assertRaises(UserError) as caught:
            wizard.action_run()
        self.assertIn("the customers file has no column email, stripe_customer_id",
                      str(caught.exception))

    def test_a_dry_run_writes_nothing_and_shows_what_a_real_run_does(self):
        def footprint():
            return (self.env["res.partner"].search_count([]),
                    self.env["fusion.billing.account.link"].search_count([]),
                    self.env["sale.order"].search_count([]),
                    self.env["sale.order.line"].search_count([]),
                    self.env["payment.token"].search_count([]))
        self.fake_stripe.cards["pm_bad"] = 500
        self._seed(CUSTOMERS, PLANS, [*SUBSCRIPTIONS, _sub(id="sub_4", billing_cycle="x"),
                                      _sub(id="sub_5", stripe_payment_method_id="pm_bad")])
        before = footprint()
        dry = self._run(dry_run=True)
        self.assertEqual(footprint(), before)
        self.assertTrue(dry.dry_run)
        self.assertEqual((dry.created_count, dry.failed_count), (6, 2))
        real = self._run()
        self.assertEqual([r[:3] + r[4:] for r in self._results(real)],
                         [r[:3] + r[4:] for r in self._results(dry)])
        self.assertEqual(real.line_ids.mapped("reason"), dry.line_ids.mapped("reason"))

    def test_a_stripe_error_fails_that_row_only(self):
        self.fake_stripe.cards["pm_declined"] = 402
        self.fake_stripe.cards["pm_stolen"] = card("pm_stolen", "cus_SOMEONE", "visa", "1111")
        self._seed(CUSTOMERS, PLANS, [
            *SUBSCRIPTIONS,
            _sub(id="sub_4", stripe_payment_method_id="pm_declined"),
            _sub(id="sub_5", stripe_payment_method_id="pm_missing"),
            _sub(id="sub_6", stripe_payment_method_id="pm_stolen"),
            _sub(id="sub_7", stripe_payment_method_id="pm_amex"),
        ])
        run = self._run()
        lines = self._lines(run)
        self.assertEqual(lines[("subscriptions", "sub_4")].error_type, "CardError")
        self.assertIn("Stripe is having a bad day", lines[("subscriptions", "sub_4")].reason)
        self.assertEqual(lines[("subscriptions", "sub_5")].error_type, "InvalidRequestError")
        self.assertIn("No such PaymentMethod", lines[("subscriptions", "sub_5")].reason)
        self.assertIn("belongs to customer 'cus_SOMEONE', not 'cus_S1'",
                      lines[("subscriptions", "sub_6")].reason)
        self.assertEqual(run.failed_count, 3)
        self.assertEqual(sorted(self._orders().mapped("x_fc_external_id")),
                         ["sub_1", "sub_2", "sub_3", "sub_7"])

    def test_shadow_safety_native_invoicing_produces_nothing_for_imported_subscriptions(self):
        self._run()
        orders = self._orders()
        orders.write({"subscription_state": "3_progress", "next_invoice_date": "2026-12-01"})
        partners = orders.partner_id
        with freeze_time("2027-02-01 06:00:00"):
            self.assertFalse(self.env["sale.order"]._cron_recurring_create_invoice())
            self._run()  # a re-run in between changes nothing to that
            self.assertFalse(self.env["sale.order"]._cron_recurring_create_invoice())
        self.assertFalse(orders.plan_id)
        self.assertFalse(self.env["account.move"].search([("partner_id", "in", partners.ids)]))
        self.assertFalse(self.env["payment.transaction"].search(
            [("partner_id", "in", partners.ids)]))
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", partners.ids)]))

    def test_a_live_service_hands_imported_subscriptions_to_native_billing_next_period(self):
        self.service.mode = "live"
        with freeze_time("2026-11-20 12:00:00"):
            self._run()
        sub_1 = self._orders().filtered(lambda o: o.x_fc_external_id == "sub_1")
        self.assertEqual(sub_1.plan_id, self.pro)
        self.assertEqual(str(sub_1.next_invoice_date), "2026-12-01",
                         "the app billed November; Odoo bills from December")
        self.assertFalse(
            self.env["fusion.billing.webhook"].search([("service_id", "=", self.service.id)]),
            "the app's own book coming in is no news to the app: no webhook")

    def test_the_result_downloads_as_csv(self):
        self._seed(CUSTOMERS, PLANS, [*SUBSCRIPTIONS, _sub(id="=HYPERLINK()", billing_cycle="x")])
        run = self._run()
        action = run.action_download_csv()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/web/content/fusion.billing.import.run/{run.id}/csv_file/", action["url"])
        rows = list(csv.reader(io.StringIO(base64.b64decode(run.csv_file).decode())))
        self.assertEqual(rows[0], ["table", "key", "outcome", "reason", "error_type"])
        self.assertEqual(len(rows), 1 + len(run.line_ids))
        self.assertIn(["subscriptions", "'=HYPERLINK()", "failed",
                       "billing cycle 'x' is neither monthly nor yearly (no fallback to monthly)",
                       "RowError"], rows)

    def test_runs_are_for_billing_administrators(self):
        run = self._run()
        with self.assertRaises(Exception):  # noqa: B017 - AccessError on read
            run.with_user(self.billing_user).check_access("read")
        with self.assertRaises(Exception):  # noqa: B017
            self.env["fusion.billing.import.wizard"].with_user(self.billing_user).create(
                {"service_id": self.service.id})
