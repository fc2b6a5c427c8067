# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A Billing User's round of the app in a real browser (the tour
``static/tests/tours/billing_user_tour.js``)."""

import unittest
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import FusionBillingCommon


@tagged("post_install", "-at_install")
class TestBillingUserTour(FusionBillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        metric = cls._create_metric(cls.service, code="tour_storage_gb", unit_name="GB")
        cls._create_charge(metric_id=metric.id)
        partner = cls.env["res.partner"].create({"name": "Tour Prairie Data"})
        link = cls.env["fusion.billing.account.link"].create({
            "service_id": cls.service.id, "external_id": "cus_tour", "partner_id": partner.id,
        })
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "x_fc_service_id": cls.service.id,
            "x_fc_external_id": "sub_tour_prairie",
            "x_fc_account_link_id": link.id,
            "x_fc_plan_id": cls.plan.id,
            "start_date": fields.Date.today() - timedelta(days=5),
        })
        now = datetime.now().replace(microsecond=0)
        cls.env["fusion.billing.usage"].create([{
            "service_id": cls.service.id, "metric_id": metric.id, "subscription_id": order.id,
            "partner_id": partner.id, "external_subscription_id": "sub_tour_prairie",
            "transaction_id": f"tour-{days}", "timestamp": now - timedelta(days=days),
            "quantity": quantity,
        } for days, quantity in ((1, 12.5), (2, 7))])
        webhook = cls.env["fusion.billing.webhook"]._fc_enqueue(
            cls.service, "invoice.created", None, object_type="invoice",
            obj={"lago_id": "tour-invoice"})
        webhook.write({"state": "dead", "attempt_count": 17, "last_http_status": 500,
                       "last_error": "HTTP 500 from the app"})

    def test_a_billing_user_walks_through_the_app(self):
        try:
            self.start_tour("/odoo", "fusion_billing_user_tour", login=self.billing_user.login)
        except unittest.SkipTest as skip:
            # A tour that skips proves nothing: the Odoo tier installs Chromium for it.
            self.fail(f"the tour needs a Chromium browser (apt-get install chromium): {skip}")
