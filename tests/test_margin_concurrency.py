# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Costs and their allocation under real concurrency: committed data, a cursor per
thread, the database deciding who waits."""


from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, freeze_time, tagged

from .margin_common import NOW
from .threads import in_threads, retrying

CODE = "fcb_margin_conc"


@tagged("post_install", "-at_install")
@freeze_time(NOW.replace(tzinfo=None))
class TestMarginConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            service = env["fusion.billing.service"].create({"name": "Conc", "code": CODE})
            partners = env["res.partner"].create([{"name": f"Conc {n}"} for n in range(3)])
            env["fusion.billing.account.link"].create([{
                "service_id": service.id, "external_id": f"conc_{n}", "partner_id": p.id,
            } for n, p in enumerate(partners)])
            plan = env["sale.subscription.plan"].create({
                "name": "Conc plan", "x_fc_plan_code": f"{CODE}_plan",
                "x_fc_service_id": service.id, "billing_period_unit": "month"})
            orders = env["sale.order"].create([{
                "partner_id": p.id, "x_fc_service_id": service.id, "x_fc_plan_id": plan.id,
                "x_fc_external_id": f"conc-sub-{n}", "start_date": "2026-10-01",
                "state": "sale"} for n, p in enumerate(partners)])
            provider = env["fusion.billing.provider"].create({"name": f"{CODE} provider"})
            rule = env["fusion.billing.allocation.rule"].create({
                "service_id": service.id, "provider_id": provider.id, "method": "even"})
            cls.fixture = {"service": service.id, "partners": partners.ids, "plan": plan.id,
                           "orders": orders.ids, "provider": provider.id, "rule": rule.id}
        cls.addClassCleanup(cls._delete_committed)

    @classmethod
    def _delete_committed(cls):
        ids = cls.fixture
        with cls.registry.cursor() as cr:
            cr.execute("DELETE FROM fusion_billing_cost WHERE service_id = %s", [ids["service"]])
            cr.execute("DELETE FROM fusion_billing_cost_allocation WHERE rule_id = %s",
                       [ids["rule"]])
            cr.execute("DELETE FROM fusion_billing_allocation_rule WHERE id = %s", [ids["rule"]])
            cr.execute("DELETE FROM fusion_billing_provider WHERE id = %s OR code = %s",
                       [ids["provider"], f"{CODE}_new"])
            cr.execute("DELETE FROM sale_order WHERE id = ANY(%s)", [ids["orders"]])
            cr.execute("DELETE FROM sale_subscription_plan WHERE id = %s", [ids["plan"]])
            cr.execute("DELETE FROM fusion_billing_webhook WHERE service_id = %s",
                       [ids["service"]])
            cr.execute("DELETE FROM fusion_billing_account_link WHERE service_id = %s",
                       [ids["service"]])
            cr.execute("DELETE FROM fusion_billing_service WHERE id = %s", [ids["service"]])
            cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", [ids["partners"]])

    def _in_threads(self, work, count=2):
        results, errors = in_threads(self.registry,
                                     lambda env, _index: retrying(work, env), count)
        self.assertEqual(errors, [])
        return results

    def _service(self, env):
        return env["fusion.billing.service"].browse(self.fixture["service"])

    def test_two_sources_sending_one_new_cost_store_one_row(self):
        cost = {"provider": f"{CODE} new", "date": "2026-11-20", "amount_cents": 777,
                "external_customer_id": "conc_0"}

        def ingest(env):
            results, errors = env["fusion.billing.cost"]._fc_ingest(
                self._service(env), [cost], now=NOW)
            self.assertEqual(errors, {})
            return results[0]

        results = self._in_threads(ingest)
        self.assertEqual(results[0][0], results[1][0], "both callers get the stored cost")
        self.assertEqual(sorted(outcome for _id, outcome in results), ["created", "unchanged"])
        with self.registry.cursor() as cr:
            cr.execute("SELECT COUNT(*), SUM(c.amount) FROM fusion_billing_cost c"
                       " JOIN fusion_billing_provider p ON p.id = c.provider_id"
                       " WHERE c.service_id = %s AND p.code = %s",
                       [self.fixture["service"], f"{CODE}_new"])
            self.assertEqual(cr.fetchone(), (1, 7.77))
            cr.execute("SELECT COUNT(*) FROM fusion_billing_provider WHERE code = %s",
                       [f"{CODE}_new"])
            self.assertEqual(cr.fetchone()[0], 1, "one provider made, though both made it")

    def test_two_allocation_runs_share_each_cost_out_once(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            provider = env["fusion.billing.provider"].browse(self.fixture["provider"])
            results, errors = env["fusion.billing.cost"]._fc_ingest(self._service(env), [
                {"provider": provider.code, "date": f"2026-11-{day:02d}", "amount_cents": 100}
                for day in range(1, 21)], now=NOW)
            self.assertEqual(errors, {})

        def allocate(env):
            return env["fusion.billing.cost"]._fc_allocate_pending(
                3, commit=lambda _count: env.cr.commit() or True)

        counts = in_threads(self.registry, lambda env, _index: allocate(env), 2)
        self.assertEqual(counts[1], [])
        self.assertEqual(sum(counts[0]), 20, "every cost claimed by one run exactly")
        with self.registry.cursor() as cr:
            cr.execute("SELECT COUNT(*), SUM(amount) FROM fusion_billing_cost_allocation"
                       " WHERE rule_id = %s", [self.fixture["rule"]])
            self.assertEqual(cr.fetchone(), (60, 20.0))
            cr.execute("SELECT COUNT(*) FROM fusion_billing_cost WHERE service_id = %s"
                       " AND allocation_state = 'allocated'", [self.fixture["service"]])
            self.assertEqual(cr.fetchone()[0], 20)
