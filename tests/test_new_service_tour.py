# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A new administrator's path, in a real browser: a service from nothing to a priced
subscription, in the back end only (the tour ``static/tests/tours/new_service_tour.js``),
then what it left in the database."""

import unittest

from odoo.tests import HttpCase, new_test_user, tagged

from .common import MANAGER_GROUP


@tagged("post_install", "-at_install")
class TestNewServiceTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A new administrator: the billing role and nothing else (no sales or product
        # administration rights).
        cls.admin = new_test_user(cls.env, "fcb_new_admin", name="New Billing Admin",
                                  groups=f"base.group_user,{MANAGER_GROUP}")

    def test_a_new_administrator_sets_up_a_service_and_sells_its_plan(self):
        try:
            self.start_tour("/odoo", "fusion_billing_new_service_tour", login="fcb_new_admin")
        except unittest.SkipTest as skip:
            self.fail(f"the tour needs a Chromium browser (apt-get install chromium): {skip}")
        service = self.env["fusion.billing.service"].search([("code", "=", "tourmaps")])
        self.assertEqual(service.active_key_count, 1)
        metric = service.metric_ids
        self.assertEqual((metric.name, metric.code, metric.unit_name),
                         ("Map Loads", "map_loads", "load"))
        plan = self.env["sale.subscription.plan"].search([("x_fc_plan_code", "=",
                                                           "maps_starter")])
        self.assertEqual(plan.x_fc_service_id, service)
        self.assertEqual((plan.x_fc_product_id.name, plan.x_fc_product_id.lst_price),
                         ("Maps Starter", 29.0))
        charge = plan.x_fc_charge_ids
        self.assertEqual((charge.metric_id, charge.properties), (metric, {"amount": "0.01"}))
        self.assertEqual(charge.product_id.name, "Map Loads usage")
        order = self.env["sale.order"].search([("x_fc_service_id", "=", service.id),
                                               ("x_fc_external_id", "=", "tour-maps-sub")])
        self.assertEqual(order.x_fc_plan_id, plan)
        self.assertEqual(order.order_line.mapped(lambda line: (line.product_id, line.price_unit)),
                         [(plan.x_fc_product_id, 29.0)])
        self.assertEqual(order._fc_api_values(order._fc_today())["plan_amount_cents"], 2900)
