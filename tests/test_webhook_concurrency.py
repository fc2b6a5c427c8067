# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Two drains at once, as two Odoo servers run the cron: real cursors in two threads,
committed rows, and a receiver that counts what arrives."""

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .threads import in_threads
from .webhook_common import ALLOW_PRIVATE, LoopbackRequests
from .webhook_receiver import Receiver

CODE = "fcb_webhook_conc"
WEBHOOKS = 160


@tagged("post_install", "-at_install")
class TestWebhookConcurrency(LoopbackRequests, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver().start()
        cls.addClassCleanup(cls.receiver.stop)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cls.previous_param = env["ir.config_parameter"].get_param(ALLOW_PRIVATE)
            env["ir.config_parameter"].set_param(ALLOW_PRIVATE, "1")
            service = env["fusion.billing.service"].create({
                "name": "Concurrent drains", "code": CODE, "mode": "live",
                "webhook_url": cls.receiver.url,
            })
            Webhook = env["fusion.billing.webhook"]
            for index in range(WEBHOOKS):
                Webhook._fc_enqueue(service, "webhook.test", Webhook, object_type="webhook_test",
                                    obj={"index": index})
            cls.service_id = service.id
        cls.addClassCleanup(cls._delete_committed)

    @classmethod
    def _delete_committed(cls):
        with cls.registry.cursor() as cr:
            cr.execute("DELETE FROM fusion_billing_webhook WHERE service_id = %s",
                       [cls.service_id])
            cr.execute("DELETE FROM fusion_billing_service WHERE id = %s", [cls.service_id])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param(ALLOW_PRIVATE, cls.previous_param or False)

    def test_a_lease_lasts_exactly_as_long_as_its_drain(self):
        """A drain's leases keep other drains off its rows while it lives, and end the
        moment its server dies (its connection closes): nothing waits for a timeout."""
        def claim(cr, limit):
            env = api.Environment(cr, SUPERUSER_ID, {})
            return {row["id"] for row in env["fusion.billing.webhook"]._fc_claim(
                limit, cr.commit) if row["service_id"] == self.service_id}

        dying = self.registry.cursor()
        leased = claim(dying, 20)
        self.assertTrue(leased)
        with self.registry.cursor() as cr:
            other = claim(cr, 500)
            self.assertEqual(len(other), WEBHOOKS - len(leased))
            self.assertFalse(other & leased, "no row is leased twice")
            api.Environment(cr, SUPERUSER_ID, {})["fusion.billing.webhook"]._fc_unlease(other)
            # The dying drain's server is killed: PostgreSQL ends its session.
            cr.execute("SELECT pg_terminate_backend(%s)", [dying._cnx.info.backend_pid])
        dying._cnx.close()
        dying._closed = True  # its connection is gone; the pool drops it
        with self.registry.cursor() as cr:
            again = claim(cr, 500)
            api.Environment(cr, SUPERUSER_ID, {})["fusion.billing.webhook"]._fc_unlease(again)
        self.assertLessEqual(leased, again, "the dead drain's rows are due again at once")
        self.assertEqual(self.receiver.ids(), [], "claiming sends nothing")

    def test_drains_at_once_send_every_webhook_exactly_once(self):
        def drain(env, index):
            Webhook = env["fusion.billing.webhook"]
            # One "server" runs the cron's parallel drains, the other one drain: three
            # drains on one queue.
            return Webhook._fc_deliver(drains=2) if index == 0 \
                else Webhook._fc_drain(commit=env.cr.commit)

        counts, errors = in_threads(self.registry, drain)
        self.assertEqual(errors, [])

        ids = self.receiver.ids()
        self.assertEqual(len(ids), WEBHOOKS, "every webhook arrived")
        self.assertEqual(len(set(ids)), WEBHOOKS, "none arrived twice")
        self.assertEqual(sum(counts), WEBHOOKS)
        self.assertTrue(all(counts), f"both drains worked: {counts}")
        with self.registry.cursor() as cr:
            cr.execute("SELECT state, COUNT(*), SUM(attempt_count) FROM fusion_billing_webhook"
                       " WHERE service_id = %s GROUP BY state", [self.service_id])
            self.assertEqual(cr.fetchall(), [("succeeded", WEBHOOKS, WEBHOOKS)])
