# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The back end in a real browser, as finance staff use it (Debian's chromium)."""

import shutil
import unittest

from odoo.tests import HttpCase, new_test_user, tagged

from .common import USER_GROUP

BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


@tagged("post_install", "-at_install")
class TestBackendTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, "fcb_tour_user", groups=f"base.group_user,{USER_GROUP}",
            name="Finance Staff",
        )
        service = cls.env["fusion.billing.service"].create({"name": "Tour App", "code": "tour"})
        cls.env["sale.subscription.plan"].create({
            "name": "Tour Plan", "x_fc_plan_code": "tour_plan", "x_fc_service_id": service.id,
        })
        metric = cls.env["fusion.billing.metric"].create({
            "service_id": service.id, "name": "Tour Calls", "code": "tour_calls",
            "unit_name": "call",
        })
        cls.env["product.product"].create({"name": "Tour Calls Overage", "type": "service"})
        cls.env["fusion.billing.usage"].create({
            "service_id": service.id, "metric_id": metric.id,
            "external_subscription_id": "tour-sub", "transaction_id": "tour-1",
            "timestamp": "2026-11-01 10:00:00", "quantity": 42,
        })

    def test_finance_staff_price_a_graduated_charge_and_read_the_usage(self):
        # CI must run this tour: a missing browser is a failure, never a skip.
        self.assertTrue(any(shutil.which(name) for name in BROWSERS),
                        "no Chrome or Chromium on PATH (apt-get install chromium)")
        try:
            self.start_tour("/odoo", "fusion_billing_backend_tour", login="fcb_tour_user")
        except unittest.SkipTest as skipped:
            self.fail(f"the browser could not run the tour: {skipped}")
        charge = self.env["fusion.billing.charge"].search([("plan_id.name", "=", "Tour Plan")])
        self.assertEqual(charge.charge_model, "graduated")
        self.assertEqual(charge.write_date, charge.create_date,
                         "the preview wrote nothing on the charge")
        self.assertEqual(charge.properties, {"graduated_ranges": [
            {"from_value": 0, "to_value": 10, "per_unit_amount": "1", "flat_amount": "2"},
            {"from_value": 10, "to_value": None, "per_unit_amount": "0.5",
             "flat_amount": "0"}]})
