# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Two first sends of one app invoice at once, with real cursors in threads: one creates
it, the other is retried as Odoo retries a request and finds it unchanged; one row, one
reconciliation line per key."""

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .threads import in_threads, retrying

CODE = "fcb_dualrun_conc"


@tagged("post_install", "-at_install")
class TestDualRunConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            service = env["fusion.billing.service"].create({"name": "Conc", "code": CODE})
            plan = env["sale.subscription.plan"].create({
                "name": "Conc plan", "x_fc_plan_code": f"{CODE}_plan",
                "x_fc_service_id": service.id,
                "billing_period_value": 1, "billing_period_unit": "month",
            })
            product = env["product.product"].create({"name": "Conc fee", "type": "service"})
            partner = env["res.partner"].create({"name": "Conc customer"})
            order = env["sale.order"].create({
                "partner_id": partner.id, "x_fc_service_id": service.id,
                "x_fc_external_id": "conc-1", "x_fc_plan_id": plan.id,
                "start_date": "2026-09-01", "state": "sale",
                "order_line": [Command.create({"product_id": product.id, "price_unit": 1})],
            })
            cls.currency = service.company_id.currency_id.name
            cls.ids = {"service": service.id, "plan": plan.id, "product": product.id,
                       "partner": partner.id, "order": order.id}
        cls.addClassCleanup(cls._delete_committed)

    @classmethod
    def _delete_committed(cls):
        ids = cls.ids
        with cls.registry.cursor() as cr:
            for table, column, value in (
                ("fusion_billing_reconciliation_revision", "line_id IN (SELECT id FROM "
                 "fusion_billing_reconciliation WHERE service_id = %s)", ids["service"]),
                ("fusion_billing_reconciliation", "service_id = %s", ids["service"]),
                ("fusion_billing_app_invoice", "service_id = %s", ids["service"]),
                ("sale_order_line", "order_id = %s", ids["order"]),
                ("sale_order", "id = %s", ids["order"]),
                ("sale_subscription_plan", "id = %s", ids["plan"]),
                ("fusion_billing_service", "id = %s", ids["service"]),
            ):
                cr.execute(f"DELETE FROM {table} WHERE {column}", [value])  # noqa: S608

    def test_two_first_sends_of_one_invoice_store_it_once(self):
        invoice = {"invoice_id": "inv-conc", "external_subscription_id": "conc-1",
                   "from_date": "2026-10-01", "to_date": "2026-10-31",
                   "currency": self.currency, "amount_cents": 4900}

        def send(env, _index):
            def work(env):
                service = env["fusion.billing.service"].browse(self.ids["service"])
                results, errors = env["fusion.billing.app.invoice"]._fc_intake(
                    service, [invoice], "api")
                self.assertEqual(errors, {})
                return results[0][1]
            return retrying(work, env)

        # The loser's insert is refused (and logged by Odoo) before it is retried.
        with mute_logger("odoo.sql_db"):
            outcomes, errors = in_threads(self.registry, send)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(outcomes), ["created", "unchanged"])
        with self.registry.cursor() as cr:
            cr.execute("SELECT COUNT(*) FROM fusion_billing_app_invoice WHERE service_id = %s",
                       [self.ids["service"]])
            self.assertEqual(cr.fetchone()[0], 1)
            cr.execute("SELECT COUNT(*), COUNT(DISTINCT (subscription_key, period_start,"
                       " period_end, metric_code)) FROM fusion_billing_reconciliation"
                       " WHERE service_id = %s", [self.ids["service"]])
            lines, keys = cr.fetchone()
            self.assertEqual((lines, keys), (1, 1))
