# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user

USER_GROUP = "fusion_centralize_billing.group_fusion_billing_user"
MANAGER_GROUP = "fusion_centralize_billing.group_fusion_billing_manager"


class FusionBillingCommon(TransactionCase):
    """Fixtures shared by the Odoo tier: one company with a service, a plan, a metric,
    a product, and one user of each billing group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.billing_user = new_test_user(
            cls.env, "fcb_user", groups=f"base.group_user,{USER_GROUP}",
            company_id=cls.company.id,
        )
        cls.billing_manager = new_test_user(
            cls.env, "fcb_manager", groups=f"base.group_user,{MANAGER_GROUP}",
            company_id=cls.company.id,
        )
        cls.service = cls._create_service(name="NexaCloud", code="testcloud")
        cls.plan = cls.env["sale.subscription.plan"].create({
            "name": "Pro Monthly", "x_fc_plan_code": "pro_monthly",
            "x_fc_service_id": cls.service.id,
            "billing_period_value": 1, "billing_period_unit": "month",
        })
        cls.metric = cls._create_metric(cls.service, code="storage_gb")
        cls.product = cls.env["product.product"].create({
            "name": "Storage overage", "type": "service", "invoice_policy": "delivery",
        })
        cls.partner = cls.env["res.partner"].create({
            "name": "Maple Leaf Hosting", "email": "Billing@MapleLeaf.example",
        })

    @classmethod
    def _create_service(cls, **values):
        return cls.env["fusion.billing.service"].create({
            "name": "Service", "code": "service", **values,
        })

    @classmethod
    def _create_plan(cls, code, **values):
        """A plan of the test service, yearly unless told otherwise."""
        return cls.env["sale.subscription.plan"].create({
            "name": code, "x_fc_plan_code": code, "x_fc_service_id": cls.service.id,
            "billing_period_value": 1, "billing_period_unit": "year", **values,
        })

    @classmethod
    def _create_metric(cls, service, **values):
        return cls.env["fusion.billing.metric"].create({
            "service_id": service.id, "name": values.get("code", "Metric"),
            "code": "metric", "aggregation": "sum", **values,
        })

    @classmethod
    def _create_charge(cls, **values):
        return cls.env["fusion.billing.charge"].create({
            "plan_id": cls.plan.id, "metric_id": cls.metric.id, "product_id": cls.product.id,
            "charge_model": "standard", "properties": {"amount": "0.10"}, **values,
        })

    def _create_usage(self, **values):
        return self.env["fusion.billing.usage"].create({
            "service_id": self.service.id, "metric_id": self.metric.id,
            "external_subscription_id": "sub-1", "transaction_id": "tx-1",
            "timestamp": "2026-11-01 10:00:00", "quantity": 5,
            **values,
        })

    def _generate_key(self, service=None, name="test"):
        service = service or self.service
        return service.with_user(self.billing_manager)._generate_key(name)
