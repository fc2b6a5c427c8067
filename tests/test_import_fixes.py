# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The import tried with a NexaCloud-like source: a plan sold monthly and yearly, a clean
run that looks clean, every failure with its traceback, changes in the source said, a
dry run that numbers nothing, and a password that never outlives its run."""

import logging
import os
import tempfile

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from ..wizard.fusion_billing_import_wizard import KEY_FILE, _new_sealing_key
from .import_common import APPLY_LOGGER, CUSTOMERS, PLANS, SUBSCRIPTIONS, ImportCommon


def _sub(**values):
    return {**SUBSCRIPTIONS[0], **values}


@tagged("post_install", "-at_install")
class TestImportFixes(ImportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The app's "pro" is sold monthly (the API's plan "pro") and yearly (the API's
        # plan "pro_yearly"): one app plan code, two Odoo plans, one per period.
        cls.yearly_product = cls.env["product.product"].create({
            "name": "Pro plan, yearly", "type": "service", "invoice_policy": "order",
            "recurring_invoice": True, "list_price": 550.0,
        })
        cls.pro_yearly = cls.env["sale.subscription.plan"].create({
            "name": "Pro Yearly", "x_fc_plan_code": "pro_yearly", "x_fc_app_plan_code": "pro",
            "x_fc_service_id": cls.service.id, "x_fc_product_id": cls.yearly_product.id,
            "billing_period_unit": "year", "billing_period_value": 1,
        })

    # === ONE APP PLAN, BILLED MONTHLY AND YEARLY === #

    def test_a_plan_code_sold_monthly_and_yearly_imports_both(self):
        self._seed(CUSTOMERS, PLANS, [
            *SUBSCRIPTIONS,
            _sub(id="sub_y1", billing_cycle="yearly", current_period_start="2026-03-01",
                 current_period_end="2027-03-01", stripe_payment_method_id=None),
            _sub(id="sub_y2", customer_id="cus_3", billing_cycle=" YEARLY ",
                 current_period_start="2026-07-15", current_period_end="2027-07-15",
                 stripe_payment_method_id=None),
        ])
        run = self._run()
        self.assertEqual(run.failed_count, 0, self._results(run))
        orders = {order.x_fc_external_id: order for order in self._orders()}
        for key in ("sub_y1", "sub_y2"):
            with self.subTest(key=key):
                order = orders[key]
                self.assertEqual(order.x_fc_plan_id, self.pro_yearly)
                self.assertEqual(order.order_line.product_id, self.yearly_product)
                self.assertEqual(order.order_line.price_unit, 490.0, "the source's yearly price")
        self.assertEqual(orders["sub_1"].x_fc_plan_id, self.pro)
        self.assertEqual(orders["sub_1"].order_line.price_unit, 49.0)
        self.assertIn("'pro' yearly at 490.00", self._lines(run)[("subscriptions", "sub_y1")]
                      .reason)
        # The API still names each plan by its own code, without ambiguity.
        self.assertEqual(self.env["sale.order"]._fc_api_plan(self.service, "pro_yearly"),
                         self.pro_yearly)
        self.assertEqual(self.env["sale.order"]._fc_api_plan(self.service, "pro"), self.pro)
        # A re-run finds them again: updated, nothing new.
        again = self._lines(self._run())
        self.assertEqual(again[("subscriptions", "sub_y1")].outcome, "updated")
        self.assertEqual(len(self._orders()), 5)

    def test_two_plans_cannot_answer_the_same_app_code_and_period(self):
        Plan = self.env["sale.subscription.plan"]
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), \
                self.cr.savepoint():
            Plan.create({"name": "Pro, again", "x_fc_plan_code": "pro_monthly_2",
                         "x_fc_app_plan_code": "pro", "x_fc_service_id": self.service.id})
        # Another period, or another service, is another plan.
        quarterly = Plan.create({
            "name": "Pro Quarterly", "x_fc_plan_code": "pro_quarterly",
            "x_fc_app_plan_code": "pro", "x_fc_service_id": self.service.id,
            "billing_period_unit": "month", "billing_period_value": 3})
        self.assertEqual(quarterly._fc_app_code(), "pro")

    # === A CLEAN RUN LOOKS CLEAN === #

    def test_a_clean_run_has_no_skipped_row_and_logs_at_info(self):
        # logging.INFO, not "INFO": Odoo names its level 25 INFO too.
        with self.assertLogs(APPLY_LOGGER, level=logging.INFO) as logs:
            action = self._wizard().action_run()
        run = self.env["fusion.billing.import.run"].browse(action["res_id"])
        self.assertEqual(
            (run.created_count, run.updated_count, run.read_count, run.skipped_count,
             run.failed_count), (6, 0, 3, 0, 0))
        self.assertEqual({line.outcome for line in run.line_ids if line.table == "plans"},
                         {"read"})
        [summary] = [r for r in logs.records if "6 created" in r.getMessage()]
        self.assertEqual(summary.levelno, logging.INFO)
        self.assertIn("3 read, 0 skipped, 0 failed", summary.getMessage())
        self.assertFalse([r for r in logs.records if r.levelno >= logging.WARNING])

    # === EVERY FAILED ROW WITH ITS TRACEBACK === #

    def test_the_no_stripe_provider_failure_is_logged_with_its_traceback(self):
        self.stripe_provider.state = "disabled"  # so its key may go
        self.stripe_provider.stripe_secret_key = False
        with self.assertLogs(APPLY_LOGGER, level="ERROR") as logs:
            action = self._wizard().action_run()
        run = self.env["fusion.billing.import.run"].browse(action["res_id"])
        line = self._lines(run)[("subscriptions", "sub_1")]
        self.assertEqual((line.outcome, line.error_type), ("failed", "RowError"))
        self.assertIn("no Stripe provider with a secret key", line.reason)
        self.assertEqual(run.failed_count, 2)  # sub_1 and sub_2 have a card; sub_3 none
        for record in logs.records:
            with self.subTest(message=record.getMessage()):
                self.assertIsNotNone(record.exc_info and record.exc_info[2])
                self.assertIn("_read_cards", logging.Formatter().formatException(
                    record.exc_info), "the traceback shows where the row failed")

    # === CHANGES IN THE SOURCE ARE SAID === #

    def test_a_price_or_email_change_in_the_source_is_reported_not_applied(self):
        self._run()
        order = self._orders().filtered(lambda o: o.x_fc_external_id == "sub_1")
        self._seed(
            [{**CUSTOMERS[0], "email": "accounts@mapleleaf.example"}, *CUSTOMERS[1:]],
            [{**PLANS[0], "monthly_price": "59.00"}, *PLANS[1:]], SUBSCRIPTIONS)
        run = self._run()
        lines = self._lines(run)
        self.assertIn("price changed in the source (49.00 -> 59.00), not applied",
                      lines[("subscriptions", "sub_1")].reason)
        self.assertIn("price changed in the source (49.00 -> 59.00), not applied",
                      lines[("subscriptions", "sub_3")].reason)
        self.assertNotIn("price", lines[("subscriptions", "sub_2")].reason)
        self.assertIn("email changed in the source ('Billing@MapleLeaf.example' -> "
                      "'accounts@mapleleaf.example'), not applied",
                      lines[("customers", "cus_1")].reason)
        self.assertNotIn("email", lines[("customers", "cus_2")].reason)
        self.assertEqual(order.order_line.price_unit, 49.0)
        self.assertEqual(self.partner.email, "Billing@MapleLeaf.example")

    # === A DRY RUN NUMBERS NOTHING === #

    def test_a_dry_run_takes_no_order_number_and_shows_no_order_name(self):
        sequence = self.env["ir.sequence"].search([("code", "=", "sale.order")], limit=1)
        before = sequence.number_next_actual
        dry = self._run(dry_run=True)
        sequence.invalidate_recordset()
        self.assertEqual(sequence.number_next_actual, before)
        subscriptions = dry.line_ids.filtered(lambda line: line.table == "subscriptions")
        self.assertEqual(subscriptions.mapped("outcome"), ["created"] * 3)
        self.assertFalse(any(subscriptions.mapped("record_name")))
        real = self._run()
        names = real.line_ids.filtered(lambda line: line.table == "subscriptions") \
            .mapped("record_name")
        self.assertEqual(sorted(names), sorted(self._orders().mapped("display_name")))
        sequence.invalidate_recordset()
        self.assertEqual(sequence.number_next_actual, before + 3, "the real run numbers them")

    # === THE PASSWORD NEVER OUTLIVES ITS RUN === #

    def _sealed(self, wizard):
        self.env.cr.execute("SELECT source_password_sealed FROM fusion_billing_import_wizard"
                            " WHERE id = %s", [wizard.id])
        return self.env.cr.fetchone()[0]

    def test_the_sealed_password_is_erased_whatever_the_outcome(self):
        self.env["fusion.billing.import.wizard"].flush_model()
        failing = self._wizard(source_schema="nowhere")
        succeeding = self._wizard()
        self.env.flush_all()
        self.assertTrue(self._sealed(failing) and self._sealed(succeeding))
        with self.enter_registry_test_mode():
            try:  # not assertRaises: its savepoint would undo what a failed run keeps
                failing.action_run()
            except UserError as error:
                self.assertIn("no table nowhere.customers", str(error))
            else:
                self.fail("a run on a missing schema fails")
            self.assertIsNone(self._sealed(failing), "erased although the run failed")
            with mute_logger(APPLY_LOGGER):
                succeeding.action_run()
            self.assertIsNone(self._sealed(succeeding))

    def test_the_sealing_key_is_the_servers_not_the_databases(self):
        wizard = self._wizard()
        self.assertEqual(wizard._source_password(), config["db_password"])
        path = os.path.join(config["data_dir"], *KEY_FILE)
        self.assertTrue(os.path.isfile(path))
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        with open(path, "rb") as file:
            key = file.read().strip()
        self.env.cr.execute("SELECT count(*) FROM ir_config_parameter WHERE value = %s",
                            [key.decode()])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "nothing of the database unseals it")
        # Another database secret changes nothing: the key is not derived from it.
        self.env["ir.config_parameter"].sudo().set_param("database.secret", "rotated")
        self.assertEqual(wizard._source_password(), config["db_password"])

    def test_a_new_sealing_key_is_made_once_whole_and_private(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, *KEY_FILE)
            first = _new_sealing_key(path)
            self.assertEqual(len(first), 44)  # Fernet: base64 of 32 bytes
            self.assertEqual(_new_sealing_key(path), first, "a second worker reads the first")
            self.assertEqual(os.listdir(os.path.dirname(path)), [KEY_FILE[1]],
                             "nothing left aside")
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
