# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fixtures of the import tests: a real PostgreSQL source database created on the test
cluster from ``docs/import-source.sql``, the same rows as CSV files, and a fake Stripe
API served on loopback (the ``stripe`` library's API base points at it)."""

import base64
import csv
import io
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg2
import stripe
from psycopg2 import sql

from odoo import Command
from odoo.tools import config, mute_logger

from .common import FusionBillingCommon

APPLY_LOGGER = "odoo.addons.fusion_centralize_billing.models.fusion_billing_import_run_apply"
SOURCE_SQL = Path(__file__).resolve().parents[1] / "docs" / "import-source.sql"
SCHEMA = "nexacloud"
STRIPE_KEY = "sk_test_fusion_import"

CUSTOMERS = [
    {"id": "cus_1", "email": "billing@mapleleaf.example", "name": "Maple Leaf Hosting",
     "stripe_customer_id": "cus_S1"},
    {"id": "cus_2", "email": "ops@aurora.example", "name": "Aurora Apps",
     "stripe_customer_id": "cus_S2"},
    {"id": "cus_3", "email": "solo_dev@example.ca", "name": "Solo Dev",
     "stripe_customer_id": None},
]
PLANS = [
    {"code": "pro", "monthly_price": "49.00", "yearly_price": "490.00"},
    {"code": "free", "monthly_price": "0.00", "yearly_price": None},
    {"code": "starter", "monthly_price": None, "yearly_price": "99.00"},
]
SUBSCRIPTIONS = [
    {"id": "sub_1", "customer_id": "cus_1", "plan_code": "pro", "billing_cycle": "monthly",
     "status": "active", "current_period_start": "2026-11-01",
     "current_period_end": "2026-12-01", "stripe_subscription_id": "sub_S1",
     "stripe_payment_method_id": "pm_visa"},
    {"id": "sub_2", "customer_id": "cus_2", "plan_code": "free", "billing_cycle": " Monthly ",
     "status": "trialing", "current_period_start": "2026-11-15",
     "current_period_end": "2026-12-15", "stripe_subscription_id": "sub_S2",
     "stripe_payment_method_id": "pm_mc"},
    {"id": "sub_3", "customer_id": "cus_3", "plan_code": "pro", "billing_cycle": "MONTHLY",
     "status": "active", "current_period_start": "2026-11-10",
     "current_period_end": "2026-12-10", "stripe_subscription_id": None,
     "stripe_payment_method_id": None},
]


def card(pm_id, customer, brand, last4):
    return {"id": pm_id, "object": "payment_method", "type": "card", "customer": customer,
            "card": {"brand": brand, "last4": last4, "exp_month": 12, "exp_year": 2030}}


class _FakeStripe(BaseHTTPRequestHandler):
    """GET /v1/payment_methods/<id>: the card, or the error registered for it."""

    cards = {}

    disable_nagle_algorithm = True  # headers and body in one round trip

    def do_GET(self):  # noqa: N802 - BaseHTTPRequestHandler's name
        pm_id = self.path.rstrip("/").rsplit("/", 1)[-1]
        if self.headers.get("Authorization") != f"Bearer {STRIPE_KEY}":
            return self._send(401, {"error": {"type": "invalid_request_error",
                                              "message": "Invalid API Key provided"}})
        answer = self.cards.get(pm_id)
        if answer is None:
            return self._send(404, {"error": {
                "type": "invalid_request_error", "code": "resource_missing",
                "message": f"No such PaymentMethod: '{pm_id}'"}})
        if isinstance(answer, int):
            return self._send(answer, {"error": {"type": "api_error",
                                                 "message": "Stripe is having a bad day"}})
        return self._send(200, answer)

    def _send(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


class ImportCommon(FusionBillingCommon):
    """A shadow service with plans pro, free and starter (monthly), a Stripe provider
    whose API is a loopback fake, and a source database holding the rows above."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan_product = cls.env["product.product"].create({
            "name": "Pro plan", "type": "service", "invoice_policy": "order",
            "recurring_invoice": True, "list_price": 55.0, "taxes_id": [Command.clear()],
        })
        cls.free_product = cls.env["product.product"].create({
            "name": "Free plan", "type": "service", "invoice_policy": "order",
            "recurring_invoice": True, "list_price": 0.0,
        })
        Plan = cls.env["sale.subscription.plan"]
        cls.pro = Plan.create({"name": "Pro", "x_fc_plan_code": "pro",
                               "x_fc_service_id": cls.service.id,
                               "x_fc_product_id": cls.plan_product.id})
        cls.free = Plan.create({"name": "Free", "x_fc_plan_code": "free",
                                "x_fc_service_id": cls.service.id,
                                "x_fc_product_id": cls.free_product.id})
        cls.starter = Plan.create({"name": "Starter", "x_fc_plan_code": "starter",
                                   "x_fc_service_id": cls.service.id,
                                   "x_fc_product_id": cls.plan_product.id})
        cls.stripe_provider = cls.env["payment.provider"].sudo().search(
            [("code", "=", "stripe"), ("company_id", "=", cls.company.id)], limit=1)
        cls.stripe_provider.write({"stripe_secret_key": STRIPE_KEY,
                                   "stripe_publishable_key": "pk_test_fusion_import",
                                   "state": "test"})
        cls._start_fake_stripe()
        cls._create_source_database()

    # === FAKE STRIPE === #

    @classmethod
    def _start_fake_stripe(cls):
        _FakeStripe.cards = {
            "pm_visa": card("pm_visa", "cus_S1", "visa", "4242"),
            "pm_mc": card("pm_mc", "cus_S2", "mastercard", "4444"),
            "pm_amex": card("pm_amex", "cus_S1", "amex", "0005"),
        }
        server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeStripe)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        previous = stripe.api_base
        stripe.api_base = f"http://127.0.0.1:{server.server_address[1]}"

        def stop():
            stripe.api_base = previous
            server.shutdown()
            server.server_close()
        cls.addClassCleanup(stop)
        cls.fake_stripe = _FakeStripe

    # === SOURCE DATABASE === #

    @classmethod
    def _connect(cls, dbname, **kwargs):
        return psycopg2.connect(
            host=config["db_host"] or None, port=config["db_port"] or None,
            user=config["db_user"] or None, password=config["db_password"] or None,
            dbname=dbname, **kwargs)

    @classmethod
    def _create_source_database(cls):
        cls.source_db = f"fcb_import_src_{uuid.uuid4().hex[:10]}"
        admin = cls._connect("postgres")
        admin.autocommit = True
        with admin.cursor() as cr:
            cr.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cls.source_db)))
        admin.close()

        def drop():
            admin = cls._connect("postgres")
            admin.autocommit = True
            with admin.cursor() as cr:
                cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(cls.source_db)))
            admin.close()
        cls.addClassCleanup(drop)
        with cls._source() as cr:
            cr.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(SCHEMA)))
            cr.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(SCHEMA)))
            cr.execute(SOURCE_SQL.read_text())

    @classmethod
    def _source(cls):
        """A cursor on the source database; the ``with`` block commits."""
        return _SourceCursor(cls._connect(cls.source_db))

    def setUp(self):
        super().setUp()
        self._seed(CUSTOMERS, PLANS, SUBSCRIPTIONS)

    def _seed(self, customers, plans, subscriptions):
        """Replace the source's rows (database and CSV files alike)."""
        self.rows = {"customers": customers, "plans": plans, "subscriptions": subscriptions}
        with self._source() as cr:
            cr.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(SCHEMA)))
            cr.execute("TRUNCATE customers, plans, subscriptions")
            for table, rows in self.rows.items():
                for row in rows:
                    cr.execute(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                        sql.Identifier(table),
                        sql.SQL(", ").join(map(sql.Identifier, row)),
                        sql.SQL(", ").join(sql.Placeholder() * len(row))), list(row.values()))

    def _csv_files(self):
        files = {}
        for table, rows in self.rows.items():
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["id"])
            writer.writeheader()
            writer.writerows(rows)
            files[f"{table}_file"] = base64.b64encode(out.getvalue().encode())
            files[f"{table}_filename"] = f"{table}.csv"
        return files

    # === RUNNING THE WIZARD === #

    def _wizard(self, source="database", dry_run=False, **values):
        base = {"service_id": self.service.id, "source_type": source, "dry_run": dry_run}
        if source == "database":
            base.update({
                "source_dsn": "host={} port={} dbname={} user={}".format(
                    config["db_host"] or "localhost", config["db_port"] or 5432,
                    self.source_db, config["db_user"]),
                "source_password": config["db_password"], "source_schema": SCHEMA,
            })
        else:
            base.update(self._csv_files())
        return self.env["fusion.billing.import.wizard"].with_user(self.billing_manager) \
            .create({**base, **values})

    def _run(self, source="database", dry_run=False, **values):
        """Run the wizard as a Billing Administrator; failed rows' ERROR logs muted."""
        with mute_logger(APPLY_LOGGER):
            action = self._wizard(source, dry_run, **values).action_run()
        return self.env["fusion.billing.import.run"].browse(action["res_id"])

    @staticmethod
    def _lines(run):
        return {(line.table, line.key): line for line in run.line_ids}

    @staticmethod
    def _results(run):
        return [(line.table, line.key, line.outcome, line.reason, line.error_type)
                for line in run.line_ids]

    def _orders(self):
        return self.env["sale.order"].search([("x_fc_service_id", "=", self.service.id)])


class _SourceCursor:
    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.cursor = self.connection.cursor()
        return self.cursor

    def __exit__(self, exc_type, *_exc):
        if exc_type is None:
            self.connection.commit()
        self.connection.close()
