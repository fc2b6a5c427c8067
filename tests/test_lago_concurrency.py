# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Two Odoo servers run the Lago mirror's cron at once: a service is pulled by one only
(real cursors in two threads, committed services)."""

import threading

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .threads import in_threads

CODE = "fcb_lago_conc"


@tagged("post_install", "-at_install")
class TestLagoConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            services = env["fusion.billing.service"].create([
                {"name": f"Lago {index}", "code": f"{CODE}_{index}"} for index in range(3)])
            # Two with a connection and the mirror on; the third without a key.
            services[:2].write({"lago_api_url": "http://127.0.0.1:9", "lago_api_key": "k",
                                "lago_mirror": True})
            services[2].write({"lago_api_url": "http://127.0.0.1:9", "lago_mirror": True})
            cls.service_ids = services.ids
        cls.addClassCleanup(cls._delete_committed)

    @classmethod
    def _delete_committed(cls):
        with cls.registry.cursor() as cr:
            cr.execute("DELETE FROM fusion_billing_service WHERE id = ANY(%s)",
                       [cls.service_ids])

    def test_two_crons_never_claim_one_service(self):
        holding = threading.Barrier(2)

        def claim(env, _index):
            Service = env["fusion.billing.service"]
            first = Service._fc_claim_lago_service([])
            # Both transactions hold their claims while the second claim is made.
            holding.wait(timeout=10)
            second = Service._fc_claim_lago_service(first.ids)
            holding.wait(timeout=10)
            return (first | second).filtered(lambda s: s.id in self.service_ids).ids

        claims, errors = in_threads(self.registry, claim)
        self.assertEqual(errors, [])
        everything = claims[0] + claims[1]
        self.assertEqual(sorted(everything), sorted(self.service_ids[:2]),
                         "each service with a connection claimed once, by one server")
        self.assertTrue(all(claims), f"both servers worked: {claims}")
