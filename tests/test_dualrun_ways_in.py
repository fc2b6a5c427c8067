# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Every way in gives the same reconciliation: the API, the app's own billing tables
(the import wizard, and the daily read with the password from the server's .pgpass),
and their CSV export."""

import base64
import csv
import io
import json
import os
import tempfile
from unittest.mock import patch

from psycopg2 import sql

from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools import config

from .import_common import SCHEMA, ImportCommon

INVOICES = [
    {"id": "inv-1", "subscription_id": "sub_1", "period_start": "2026-11-01",
     "period_end": "2026-11-30", "currency": "CAD", "amount_cents": 4900},
    {"id": "inv-3", "subscription_id": "sub_3", "period_start": "2026-11-10",
     "period_end": "2026-12-09", "currency": "CAD", "amount_cents": 5100},
]
LINES = [
    {"invoice_id": "inv-1", "billable_metric_code": None, "amount_cents": 4900},
    {"invoice_id": "inv-3", "billable_metric_code": "storage_gb", "amount_cents": 150},
    {"invoice_id": "inv-3", "billable_metric_code": "storage_gb", "amount_cents": 50},
    {"invoice_id": "inv-3", "billable_metric_code": None, "amount_cents": 4900},
]
API = [
    {"invoice_id": "inv-1", "external_subscription_id": "sub_1", "from_date": "2026-11-01",
     "to_date": "2026-11-30", "currency": "CAD", "amount_cents": 4900, "fees": []},
    {"invoice_id": "inv-3", "external_subscription_id": "sub_3", "from_date": "2026-11-10",
     "to_date": "2026-12-09", "currency": "CAD", "amount_cents": 5100,
     "fees": [{"billable_metric_code": "storage_gb", "amount_cents": 200}]},
]


@tagged("post_install", "-at_install")
class TestDualRunWaysIn(ImportCommon, HttpCase):
    def setUp(self):
        super().setUp()
        self._seed_invoices([], [])  # the subscriptions first, as the app had them
        self.service.reconciliation_tolerance_cents = 1
        with freeze_time("2026-11-20 10:00:00"):
            self._run()  # the app's customers and subscriptions, shadow
        with freeze_time("2026-12-11 06:00:00"), self.enter_registry_test_mode():
            self.env.ref("fusion_centralize_billing.ir_cron_fusion_billing_rate_usage") \
                .method_direct_trigger()
        self._seed_invoices(INVOICES, LINES)

    def _seed_invoices(self, invoices, lines):
        currency = self.env.company.currency_id.name  # the app bills as the company does
        invoices = [{**row, "currency": currency} for row in invoices]
        self.invoice_rows = {"invoices": invoices, "invoice_lines": lines}
        with self._source() as cr:
            cr.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(SCHEMA)))
            cr.execute("TRUNCATE invoices, invoice_lines")
            for table, rows in self.invoice_rows.items():
                for row in rows:
                    cr.execute(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, row)),
                        sql.SQL(", ").join(sql.Placeholder() * len(row))), list(row.values()))

    def _invoice_files(self):
        files = {}
        for table, rows in self.invoice_rows.items():
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
            files[f"{table}_file"] = base64.b64encode(out.getvalue().encode())
        return {"invoices_file": files["invoices_file"],
                "invoice_lines_file": files["invoice_lines_file"]}

    def _rows_after(self, way):
        """What the reconciliation holds after one way in (then undone)."""
        savepoint = self.env.cr.savepoint()
        try:
            way()
            self.env.invalidate_all()
            lines = self.env["fusion.billing.reconciliation"].search(
                [("service_id", "=", self.service.id)])
            return sorted((line.subscription_key, str(line.period_start), line.metric_code or "",
                           line.odoo_reported and line.odoo_amount,
                           line.app_reported and line.app_amount, line.state)
                          for line in lines)
        finally:
            savepoint.close(rollback=True)

    def _api(self):
        key = self.service.sudo()._generate_key("dual run")
        response = self.url_open(
            "/api/billing/v1/reconciliation/app_invoices",
            data=json.dumps({"app_invoices": [
                {**item, "currency": self.env.company.currency_id.name} for item in API]}),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200, response.text)

    def _read_daily(self):
        with self.enter_registry_test_mode():
            self.env.ref("fusion_centralize_billing.ir_cron_fusion_billing_read_app_invoices") \
                .method_direct_trigger()
        self.env.invalidate_all()

    def test_api_tables_and_csv_give_the_same_lines(self):
        by_api = self._rows_after(self._api)
        by_tables = self._rows_after(lambda: self._run())
        by_csv = self._rows_after(lambda: self._run("csv", **self._invoice_files()))
        self.assertEqual(by_tables, by_api)
        self.assertEqual(by_csv, by_api)
        self.assertIn(("sub_1", "2026-11-01", "", 49.0, 49.0, "matched"), by_api)
        # sub_3's app period starts on the 10th, its Odoo cycle too: one of its own.
        self.assertIn(("sub_3", "2026-11-10", "storage_gb", False, 2.0, "missing_odoo"),
                      by_api)

    def test_the_wizard_counts_each_invoice_and_a_dry_run_writes_none(self):
        self._seed_invoices(INVOICES + [
            {"id": "inv-bad", "subscription_id": "sub_2", "period_start": "2026-11-15",
             "period_end": "2026-11-01", "currency": "CAD", "amount_cents": 0}], LINES)
        dry = self._run(dry_run=True)
        self.assertFalse(self.env["fusion.billing.app.invoice"].search(
            [("service_id", "=", self.service.id)]))
        lines = self._lines(dry)
        self.assertEqual(lines[("invoices", "inv-1")].outcome, "created")
        self.assertEqual(lines[("invoices", "inv-bad")].outcome, "failed")
        self.assertIn("to_date_before_from_date", lines[("invoices", "inv-bad")].reason)
        run = self._run()
        self.assertEqual(self.env["fusion.billing.app.invoice"].search_count(
            [("service_id", "=", self.service.id)]), 2)
        self.assertEqual(self._lines(self._run())[("invoices", "inv-1")].outcome, "skipped")
        self.assertGreaterEqual(run.failed_count, 1)

    def test_the_daily_read_takes_the_password_from_the_servers_pgpass(self):
        self.service.write({
            "app_invoice_source": "database", "app_database_schema": SCHEMA,
            "app_database_dsn": "host={} port={} dbname={} user={}".format(
                config["db_host"] or "localhost", config["db_port"] or 5432,
                self.source_db, config["db_user"]),
        })
        with tempfile.NamedTemporaryFile("w", suffix=".pgpass", delete=False) as pgpass:
            pgpass.write("*:*:{}:{}:{}\n".format(self.source_db, config["db_user"],
                                                 config["db_password"]))
        self.addCleanup(os.unlink, pgpass.name)
        os.chmod(pgpass.name, 0o600)
        by_api = self._rows_after(self._api)
        with patch.dict(os.environ, {"PGPASSFILE": pgpass.name, "PGPASSWORD": ""}):
            self._read_daily()
        invoices = self.env["fusion.billing.app.invoice"].search(
            [("service_id", "=", self.service.id)])
        self.assertEqual(set(invoices.mapped("source")), {"database"})
        self.assertEqual(self._rows_after(lambda: None), by_api)
        # Without the server's password file, the read fails with a sentence, not a crash.
        with patch.dict(os.environ, {"PGPASSFILE": "/nonexistent", "PGPASSWORD": ""}):
            self._read_daily()
        self.assertIn("could not be read", self.service.message_ids[0].body)

    def test_a_service_reading_lago_says_the_connection_is_missing(self):
        self.service.app_invoice_source = "lago"
        self._read_daily()
        self.assertIn("Enter the Lago base URL of", self.service.message_ids[0].body)
