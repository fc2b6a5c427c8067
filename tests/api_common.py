# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fixtures and helpers of the API tests."""

import json

from odoo.tests import HttpCase, freeze_time

PREFIX = "/api/billing/v1"
JSON = "application/json; charset=utf-8"


# The API tests and the official clients' flows speak of November 2026: the server's clock
# starts there (and ticks, so that timeouts, sessions and the clients' waits still run).
# freezegun patches the whole process, the HTTP server's threads included.
SERVER_NOW = "2026-11-24 12:00:00"


@freeze_time(SERVER_NOW, tick=True)
class ApiCommon(HttpCase):
    """A service with a key, two plans (one with a graduated charge) and a partner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Service = cls.env["fusion.billing.service"]
        cls.service = Service.create({"name": "NexaCloud", "code": "apicloud"})
        cls.other = Service.create({"name": "NexaDesk", "code": "apidesk"})
        cls.key = cls.service.sudo()._generate_key("test")
        cls.other_key = cls.other.sudo()._generate_key("test")
        cls.calls = cls.env["fusion.billing.metric"].create({
            "service_id": cls.service.id, "name": "API calls", "code": "api_calls",
            "unit_name": "calls",
        })
        cls.seats = cls.env["fusion.billing.metric"].create({
            "service_id": cls.service.id, "name": "Seats", "code": "seats",
            "replay_policy": "reject",
        })
        product = cls.env["product.product"].create({
            "name": "Pro plan", "type": "service", "list_price": 49.0,
        })
        usage_product = cls.env["product.product"].create({"name": "Usage", "type": "service"})
        Plan = cls.env["sale.subscription.plan"]
        cls.plan = Plan.create({
            "name": "Pro", "x_fc_plan_code": "pro", "x_fc_service_id": cls.service.id,
            "billing_period_unit": "month", "x_fc_product_id": product.id,
        })
        cls.team = Plan.create({
            "name": "Team", "x_fc_plan_code": "team", "x_fc_service_id": cls.service.id,
            "billing_period_unit": "month",
        })
        # Another service's plan with the same code: never visible to this service.
        Plan.create({"name": "Desk Pro", "x_fc_plan_code": "pro",
                     "x_fc_service_id": cls.other.id})
        cls.env["fusion.billing.charge"].create({
            "plan_id": cls.plan.id, "metric_id": cls.calls.id, "product_id": usage_product.id,
            "charge_model": "graduated", "included_quantity": 0,
            "properties": {"graduated_ranges": [
                {"from_value": 0, "to_value": 10, "per_unit_amount": "1", "flat_amount": "2"},
                {"from_value": 10, "to_value": None, "per_unit_amount": "1",
                 "flat_amount": "0"},
            ]},
        })
        cls.partner = cls.env["res.partner"].create({
            "name": "Maple Leaf Hosting", "email": "billing@mapleleaf.example",
        })

    # === HELPERS === #

    def call(self, method, path, body=None, key=None, raw=None, prefix=PREFIX, **kwargs):
        headers = {"Authorization": f"Bearer {key or self.key}"}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = "application/json"
        response = self.url_open(f"{prefix}{path}", data=data, method=method, headers=headers,
                                 allow_redirects=False, **kwargs)
        self.assertEqual(response.headers.get("Content-Type"), JSON, response.text[:200])
        return response

    def ok(self, method, path, body=None, **kwargs):
        response = self.call(method, path, body, **kwargs)
        self.assertEqual(response.status_code, 200, response.text[:500])
        return response.json()

    def error(self, method, path, body=None, status=422, **kwargs):
        response = self.call(method, path, body, **kwargs)
        self.assertEqual(response.status_code, status, response.text[:500])
        payload = response.json()
        self.assertEqual(payload["status"], status)
        return payload

    def customer(self, external_id="cus_1", **values):
        body = {"external_id": external_id, "name": "Maple Leaf Hosting",
                "email": "Billing@MapleLeaf.example", **values}
        return self.ok("POST", "/customers", {"customer": body})["customer"]

    def subscribe(self, external_id="sub_1", plan_code="pro", customer="cus_1", **values):
        body = {"external_customer_id": customer, "plan_code": plan_code,
                "external_id": external_id, **values}
        return self.ok("POST", "/subscriptions", {"subscription": body})["subscription"]

    def event(self, tx, value, sub="sub_1", code="api_calls", **values):
        return {"transaction_id": tx, "external_subscription_id": sub, "code": code,
                "properties": {"value": value}, **values}
