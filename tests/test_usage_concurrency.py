# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Concurrency, proven with real cursors in threads: the data is committed, each thread
has its own transaction, and the database decides who waits.

The class runs on a fixed today (the fixture's usage is of September to November 2026, and
November is the open period): freezegun patches the clock process-wide, so the threads'
rating reads the same today as the test.
"""



from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools import mute_logger

from .threads import in_threads, retrying
from .usage_common import NOW

CODE = "fcb_concurrency"


@tagged("post_install", "-at_install")
@freeze_time(NOW.replace(tzinfo=None))
class TestUsageConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            service = env["fusion.billing.service"].create({"name": "Conc", "code": CODE})
            metric = env["fusion.billing.metric"].create({
                "service_id": service.id, "name": "Calls", "code": "calls",
            })
            plan = env["sale.subscription.plan"].create({
                "name": "Conc plan", "x_fc_plan_code": f"{CODE}_plan",
                "x_fc_service_id": service.id,
                "billing_period_value": 1, "billing_period_unit": "month",
            })
            product = env["product.product"].create({"name": "Conc calls", "type": "service"})
            env["fusion.billing.charge"].create({
                "plan_id": plan.id, "metric_id": metric.id, "product_id": product.id,
                "charge_model": "standard", "properties": {"amount": "0.50"},
            })
            partner = env["res.partner"].create({"name": "Conc customer"})
            orders = env["sale.order"].create([{
                "partner_id": partner.id, "x_fc_service_id": service.id,
                "x_fc_external_id": f"conc-{index}", "x_fc_plan_id": plan.id,
                "start_date": "2026-09-01", "state": "sale",
                "order_line": [Command.create({"product_id": product.id, "price_unit": 1})],
            } for index in range(6)])
            cls.fixture = {
                "service": service.id, "metric": metric.id, "plan": plan.id,
                "product": product.id, "partner": partner.id, "orders": orders.ids,
            }
        cls.addClassCleanup(cls._delete_committed)

    @classmethod
    def _delete_committed(cls):
        ids = cls.fixture
        with cls.registry.cursor() as cr:
            orders = tuple(ids["orders"])
            cr.execute("DELETE FROM fusion_billing_usage WHERE service_id = %s", [ids["service"]])
            cr.execute("DELETE FROM fusion_billing_reconciliation WHERE service_id = %s",
                       [ids["service"]])
            cr.execute("DELETE FROM fusion_billing_rated_usage WHERE subscription_id IN %s",
                       [orders])
            cr.execute("DELETE FROM sale_order_line WHERE order_id IN %s", [orders])
            cr.execute("DELETE FROM sale_order WHERE id IN %s", [orders])
            cr.execute("DELETE FROM fusion_billing_charge WHERE plan_id = %s", [ids["plan"]])
            cr.execute("DELETE FROM fusion_billing_metric WHERE id = %s", [ids["metric"]])
            cr.execute("DELETE FROM sale_subscription_plan WHERE id = %s", [ids["plan"]])
            cr.execute("DELETE FROM fusion_billing_service WHERE id = %s", [ids["service"]])

    def _in_threads(self, work, count=2):
        """Run ``work(env)`` in ``count`` threads at once, each in its own transaction
        retried as a request is."""
        results, errors = in_threads(self.registry,
                                     lambda env, _index: retrying(work, env), count)
        self.assertEqual(errors, [])
        return results

    def test_two_workers_pushing_one_key_store_one_row(self):
        push = {
            "transaction_id": "calls-2026-11-05", "external_subscription_id": "conc-0",
            "code": "calls", "timestamp": "2026-11-05T10:00:00Z", "properties": {"value": 4},
        }

        def ingest(env):
            service = env["fusion.billing.service"].browse(self.fixture["service"])
            results, errors = env["fusion.billing.usage"]._ingest(service, [push], now=NOW)
            self.assertEqual(errors, {})
            [(usage, outcome)] = results
            return usage.id, outcome

        results = self._in_threads(ingest)
        self.assertEqual(results[0][0], results[1][0], "both callers get the stored row")
        self.assertEqual(sorted(outcome for _id, outcome in results), ["created", "replayed"])
        with self.registry.cursor() as cr:
            cr.execute("SELECT COUNT(*) FROM fusion_billing_usage"
                       " WHERE service_id = %s AND transaction_id = %s",
                       [self.fixture["service"], push["transaction_id"]])
            self.assertEqual(cr.fetchone()[0], 1)

    def test_two_rating_runs_at_once_rate_each_period_once(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            service = env["fusion.billing.service"].browse(self.fixture["service"])
            pushes = [{
                "transaction_id": f"calls-{index}-{month}", "code": "calls",
                "external_subscription_id": f"conc-{index}",
                "timestamp": f"2026-{month:02d}-10T10:00:00Z", "properties": {"value": 2},
            } for index in range(1, 6) for month in (9, 10)]
            _results, errors = env["fusion.billing.usage"]._ingest(service, pushes, now=NOW)
            self.assertEqual(errors, {})

        def rate(env):
            env["sale.order"]._cron_fc_rate_usage(batch_size=2)

        self._in_threads(rate)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT subscription_id, period_start, COUNT(*), SUM(amount)"
                "  FROM fusion_billing_rated_usage WHERE subscription_id IN %s"
                " GROUP BY subscription_id, period_start",
                [tuple(self.fixture["orders"])],
            )
            rows = cr.fetchall()
            cr.execute(
                "SELECT COUNT(*), COUNT(DISTINCT (subscription_id, period_start, metric_id))"
                "  FROM fusion_billing_reconciliation WHERE service_id = %s",
                [self.fixture["service"]],
            )
            lines, distinct = cr.fetchone()
        # 6 subscriptions x 2 closed periods (September, October), each rated once.
        self.assertEqual(len(rows), 12)
        self.assertTrue(all(count == 1 for _sub, _start, count, _amount in rows))
        amounts = sorted(float(amount) for _sub, _start, _count, amount in rows)
        self.assertEqual(amounts, [0.0, 0.0] + [1.0] * 10)
        self.assertEqual(lines, distinct)

    def test_a_claim_that_meets_another_servers_write_claims_again(self):
        """A rating whose snapshot is older than another server's write to a due row
        meets a serialization failure on its claim: it claims again on a fresh snapshot,
        gets the due rows and logs no ERROR."""
        ids = self.fixture
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].create([{
                "partner_id": ids["partner"], "x_fc_service_id": ids["service"],
                "x_fc_external_id": f"conc-claim-{index}", "x_fc_plan_id": ids["plan"],
                "start_date": "2026-09-01", "state": "sale",
                "order_line": [Command.create({"product_id": ids["product"], "price_unit": 1})],
            } for index in range(2)])
            order_ids = tuple(orders.ids)
        self.addCleanup(self._delete_orders, order_ids)
        with self.registry.cursor() as late:
            late.execute("SELECT 1")  # its snapshot is taken now
            with self.registry.cursor() as other:  # another server, committed at once
                other.execute("UPDATE sale_order SET write_date = now() WHERE id = %s",
                              [order_ids[0]])
            Order = api.Environment(late, SUPERUSER_ID, {})["sale.order"]
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                Order._fc_claim_due(500)  # what the cron met before it claimed again
            late.rollback()
            late.execute("SELECT 1")
            with self.registry.cursor() as other:
                other.execute("UPDATE sale_order SET write_date = now() WHERE id = %s",
                              [order_ids[1]])
            with self.assertNoLogs("odoo.sql_db", level="ERROR"):
                claimed = Order._fc_claim_due_again(500)
            self.assertEqual(set(claimed.ids) & set(order_ids), set(order_ids))
            late.rollback()  # nothing rated: the claim alone is under test

    def _delete_orders(self, order_ids):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM sale_order_line WHERE order_id IN %s", [order_ids])
            cr.execute("DELETE FROM sale_order WHERE id IN %s", [order_ids])
