# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The import wizard: one test per finding of the review of its earlier version."""

import logging
from unittest.mock import patch

from psycopg2 import sql

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .import_common import (
    APPLY_LOGGER,
    CUSTOMERS,
    PLANS,
    SOURCE_SQL,
    SUBSCRIPTIONS,
    ImportCommon,
)


def _sub(**values):
    return {**SUBSCRIPTIONS[0], **values}


@tagged("post_install", "-at_install")
class TestImportFindings(ImportCommon):
    def test_c1_failed_rows_are_logged_at_error_and_shown_in_a_red_banner(self):
        self._seed(CUSTOMERS, PLANS, [
            *SUBSCRIPTIONS, _sub(id="sub_bad", billing_cycle="fortnightly"),
            _sub(id="sub_gone", status="canceled"),
        ])
        with self.assertLogs(APPLY_LOGGER, level="WARNING") as logs:
            run = self._wizard().action_run()
        run = self.env["fusion.billing.import.run"].browse(run["res_id"])
        errors = [r for r in logs.records if r.levelno == logging.ERROR]
        # ERROR is above warn: the line survives a server running with log_level=warn.
        self.assertEqual(len(errors), 1)
        self.assertIn("'sub_bad' failed", errors[0].getMessage())
        self.assertEqual((run.failed_count, run.skipped_count), (1, 1))  # sub_gone; plans read
        self.assertFalse(run.dry_run)
        arch = self.env["fusion.billing.import.run"].get_views([(False, "form")])[
            "views"]["form"]["arch"]
        self.assertIn('class="alert alert-danger"', arch)
        self.assertIn('invisible="not failed_count"', arch)
        self.assertIn('class="alert alert-warning"', arch)
        self.assertIn('invisible="not skipped_count"', arch)
        self.assertIn('invisible="failed_count or skipped_count"', arch,
                      "a partial import is never shown as a success")

    def test_h3_unknown_billing_cycle_fails_the_row_never_monthly(self):
        self._seed(CUSTOMERS, PLANS, [
            _sub(id="sub_annual", billing_cycle="annual"),
            _sub(id="sub_blank", billing_cycle="  "),
            _sub(id="sub_ok", billing_cycle="  mOnThLy\t"),
        ])
        run = self._run()
        lines = self._lines(run)
        for key in ("sub_annual", "sub_blank"):
            self.assertEqual(lines[("subscriptions", key)].outcome, "failed")
            self.assertIn("neither monthly nor yearly (no fallback to monthly)",
                          lines[("subscriptions", key)].reason)
        self.assertEqual(lines[("subscriptions", "sub_ok")].outcome, "created")
        self.assertEqual(self._orders().mapped("x_fc_external_id"), ["sub_ok"])

    def test_m5_null_price_fails_the_row_and_zero_is_a_free_plan(self):
        self._seed(CUSTOMERS, PLANS, [
            _sub(id="sub_null", plan_code="starter"),  # starter has no monthly price
            _sub(id="sub_free", plan_code="free", stripe_payment_method_id=None),
        ])
        run = self._run()
        lines = self._lines(run)
        self.assertEqual(lines[("subscriptions", "sub_null")].outcome, "failed")
        self.assertIn("no monthly price (NULL): a missing price is not a free plan",
                      lines[("subscriptions", "sub_null")].reason)
        free = self._orders()
        self.assertEqual(free.x_fc_external_id, "sub_free")
        self.assertEqual(free.x_fc_plan_id, self.free)
        self.assertEqual(free.order_line.price_unit, 0.0)
        self.assertEqual(free.amount_total, 0.0)

    def test_h2_schema_and_query_errors_are_one_clear_user_error(self):
        cases = [
            ("DROP TABLE subscriptions",
             "The source database has no table broken.subscriptions"),
            ("ALTER TABLE customers DROP COLUMN email",
             "The table broken.customers of the source database lacks a column: column "
             '"email" does not exist'),
            ("DROP TABLE plans; CREATE VIEW plans AS SELECT 'pro'::text AS code, "
             "(1 / 0)::numeric AS monthly_price, NULL::numeric AS yearly_price",
             "Reading plans from the source database failed: division by zero"),
        ]
        for statement, message in cases:
            with self.subTest(statement=statement):
                with self._source() as cr:
                    cr.execute(sql.SQL("CREATE SCHEMA broken; SET search_path TO broken"))
                    cr.execute(SOURCE_SQL.read_text())
                    cr.execute(statement)
                try:
                    with self.assertRaises(UserError) as caught:
                        self._wizard(source_schema="broken").action_run()
                    self.assertIn(message, str(caught.exception))
                    self.assertNotIn("Traceback", str(caught.exception))
                finally:
                    with self._source() as cr:
                        cr.execute("DROP SCHEMA broken CASCADE")
        with self.assertRaises(UserError) as caught:
            self._wizard(source_schema="nowhere").action_run()
        self.assertIn("no table nowhere.customers", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            self._wizard(source_dsn="host=127.0.0.1 port=1 dbname=x user=y "
                                    "connect_timeout=2").action_run()
        self.assertIn("Could not connect to the source database 127.0.0.1:1/x",
                      str(caught.exception))
        self.assertFalse(self.env["fusion.billing.import.run"].search([]))

    def test_m4_a_row_failing_while_written_records_its_exception_type_and_traceback(self):
        SaleOrder = type(self.env["sale.order"])
        create = SaleOrder.create

        def refuse_one(self_, vals_list):
            if any(vals.get("x_fc_external_id") == "sub_3" for vals in vals_list):
                raise ValidationError(self_.env._("the order of sub_3 is refused"))
            return create(self_, vals_list)

        with patch.object(SaleOrder, "create", refuse_one), \
                self.assertLogs(APPLY_LOGGER, level="ERROR") as logs:
            action = self._wizard().action_run()
        run = self.env["fusion.billing.import.run"].browse(action["res_id"])
        line = self._lines(run)[("subscriptions", "sub_3")]
        self.assertEqual((line.outcome, line.error_type), ("failed", "ValidationError"))
        self.assertIn("the order of sub_3 is refused", line.reason)
        (record,) = [r for r in logs.records if "'sub_3'" in r.getMessage()]
        self.assertIs(record.exc_info[0], ValidationError)
        self.assertIsNotNone(record.exc_info[2], "the traceback is logged")
        # The batch was replayed row by row: the other rows are in.
        self.assertEqual(sorted(self._orders().mapped("x_fc_external_id")), ["sub_1", "sub_2"])
        judged = self._lines(self._run(dry_run=True))
        self.assertEqual(judged[("subscriptions", "sub_3")].outcome, "created")

    def test_med3_every_run_re_asserts_the_empty_native_plan_in_shadow(self):
        self._run()
        orders = self._orders()
        self.assertTrue(orders)
        self.assertFalse(orders.plan_id)
        orders.plan_id = self.pro  # someone hands them to native billing by hand
        self.assertTrue(all(orders.mapped("is_subscription")))
        run = self._run()
        self.assertEqual(run.updated_count, 3 + 3)  # customers and subscriptions
        self.assertFalse(orders.plan_id, "the re-run wrote the shadow-safe value again")
        self.assertFalse(any(orders.mapped("is_subscription")))
        self.assertEqual(orders.mapped("x_fc_plan_id"), self.pro | self.free)

    def test_high_edge_a_re_run_rewrites_only_the_app_fields(self):
        self._run()
        order = self._orders().filtered(lambda o: o.x_fc_external_id == "sub_1")
        partner, plan, line = order.partner_id, order.x_fc_plan_id, order.order_line
        self.assertEqual(line.price_unit, 49.0)
        line.price_unit = 45.0  # a discount agreed in Odoo: the import must keep it
        self._seed(CUSTOMERS, PLANS, [
            _sub(customer_id="cus_2", plan_code="free", status="past_due",
                 current_period_start="2026-12-01", current_period_end="2027-01-01",
                 stripe_subscription_id="sub_S1_new", stripe_payment_method_id="pm_mc"),
        ])
        run = self._run()
        result = self._lines(run)[("subscriptions", "sub_1")]
        self.assertEqual(result.outcome, "updated")
        self.assertIn("customer changed in the source ('cus_1' -> 'cus_2'), not applied",
                      result.reason)
        self.assertIn("plan changed in the source ('pro' monthly -> 'free' monthly), not "
                      "applied", result.reason)
        self.assertEqual((order.partner_id, order.x_fc_plan_id, order.order_line),
                         (partner, plan, line))
        self.assertEqual(line.price_unit, 45.0)
        self.assertEqual(order.x_fc_app_status, "past_due")
        self.assertEqual(str(order.x_fc_app_period_end), "2027-01-01")
        self.assertEqual(order.x_fc_stripe_subscription_id, "sub_S1_new")
        self.assertEqual(order.x_fc_payment_token_id.stripe_payment_method, "pm_mc")

    def test_account_link_reuses_the_partner_with_the_same_email_case_insensitively(self):
        lookalike = self.env["res.partner"].create({
            "name": "Not Solo", "email": "soloXdev@example.ca"})
        partners_before = self.env["res.partner"].search_count([])
        self._seed([*CUSTOMERS, {"id": "cus_4", "email": "BILLING@mapleleaf.EXAMPLE",
                                 "name": "Maple again", "stripe_customer_id": None}],
                   PLANS, [])
        run = self._run()
        links = self.service.account_link_ids
        by_id = {link.external_id: link.partner_id for link in links}
        self.assertEqual(by_id["cus_1"], self.partner, "Billing@MapleLeaf.example is reused")
        self.assertEqual(by_id["cus_4"], self.partner)
        self.assertNotEqual(by_id["cus_3"], lookalike, "_ matches itself, not any character")
        self.assertEqual(by_id["cus_3"].email, "solo_dev@example.ca")
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before + 2)
        self.assertIn("existing partner", self._lines(run)[("customers", "cus_1")].reason)
        self.assertEqual(links.mapped("stripe_customer_id").count("cus_S1"), 1)
