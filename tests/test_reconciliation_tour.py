# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Finance from a mismatch to the usage behind it, in a real browser (the tour
``static/tests/tours/reconciliation_tour.js``)."""

import unittest
from datetime import UTC, datetime

from odoo.tests import HttpCase, freeze_time, tagged

from .common import FusionBillingCommon


@tagged("post_install", "-at_install")
class TestReconciliationTour(FusionBillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        metric = cls._create_metric(cls.service, code="tour_calls", name="tour_calls")
        cls._create_charge(metric_id=metric.id, properties={"amount": "1"})
        partner = cls.env["res.partner"].create({"name": "Tour Tundra Analytics"})
        order = cls.env["sale.order"].create({
            "partner_id": partner.id, "x_fc_service_id": cls.service.id,
            "x_fc_external_id": "sub_tour_tundra", "x_fc_plan_id": cls.plan.id,
            "start_date": "2026-09-01",
        })
        order.action_confirm()
        cls.env["fusion.billing.usage"]._ingest(cls.service, [{
            "transaction_id": "tour-recon-1", "external_subscription_id": "sub_tour_tundra",
            "code": "tour_calls", "timestamp": "2026-09-10T12:00:00Z",
            "properties": {"value": 20}}], now=datetime(2026, 9, 20, tzinfo=UTC))
        with freeze_time("2026-10-02 06:00:00"):
            order._fc_rate_closed_periods(order._fc_today())
        # The app billed 15.00 for the calls (Odoo: 20.00), and nothing yet for the total.
        cls.env["fusion.billing.app.invoice"]._fc_intake(cls.service, [{
            "invoice_id": "tour-inv", "external_subscription_id": "sub_tour_tundra",
            "from_date": "2026-09-01", "to_date": "2026-09-30",
            "currency": cls.env.company.currency_id.name, "amount_cents": 1500,
            "fees": [{"billable_metric_code": "tour_calls", "amount_cents": 1500}]}], "api")
        line = cls.env["fusion.billing.reconciliation"].search(
            [("subscription_key", "=", "sub_tour_tundra"), ("metric_code", "=", "")])
        line.sudo().write({"app_reported": False})
        assert line.state == "missing_app"

    def test_finance_goes_from_a_mismatch_to_the_usage_behind_it(self):
        try:
            self.start_tour("/odoo", "fusion_billing_reconciliation_tour",
                            login=self.billing_user.login)
        except unittest.SkipTest as skip:
            self.fail(f"the tour needs a Chromium browser (apt-get install chromium): {skip}")
