# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fixtures of the usage tests: a plan with a charge of every pricing model."""

from datetime import UTC, datetime
from decimal import Decimal

from odoo import Command

from odoo.addons.fusion_centralize_billing.engine.rating import Charge, rate

from .common import FusionBillingCommon

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

GRADUATED = {"graduated_ranges": [
    {"from_value": 0, "to_value": 10, "per_unit_amount": "1", "flat_amount": "2"},
    {"from_value": 10, "to_value": None, "per_unit_amount": "1", "flat_amount": "0"},
]}
VOLUME = {"volume_ranges": [
    {"from_value": 0, "to_value": 100, "per_unit_amount": "0.10", "flat_amount": "1"},
    {"from_value": 100, "to_value": None, "per_unit_amount": "0.05", "flat_amount": "0"},
]}
PACKAGE = {"amount": "5", "package_size": 2, "free_units": 1}
PERCENTAGE = {"rate": "2.5", "fixed_amount": "0.10", "free_units_per_events": 1}


class UsageCommon(FusionBillingCommon):
    """A live service whose monthly plan charges one metric per pricing model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service.mode = "live"
        cls.calls = cls._create_metric(cls.service, code="api_calls", unit_name="calls")
        cls.storage = cls._create_metric(cls.service, code="storage", aggregation="max",
                                         unit_name="GB")
        cls.users = cls._create_metric(cls.service, code="users", aggregation="unique",
                                       field_name="user_id")
        cls.sales = cls._create_metric(cls.service, code="sales")
        cls.bandwidth = cls._create_metric(cls.service, code="bandwidth", unit_name="GB")
        cls.seats = cls._create_metric(cls.service, code="seats", recurring=True)
        cls.strict = cls._create_metric(cls.service, code="strict", replay_policy="reject")
        specs = [
            (cls.calls, "graduated", GRADUATED, 0),
            (cls.storage, "volume", VOLUME, 0),
            (cls.users, "package", PACKAGE, 0),
            (cls.sales, "percentage", PERCENTAGE, 0),
            (cls.bandwidth, "standard", {"amount": "0.02"}, 1000),
            (cls.seats, "standard", {"amount": "5"}, 0),
        ]
        cls.charges = {}
        for sequence, (metric, model, properties, included) in enumerate(specs):
            cls.charges[metric.code] = cls._create_charge(
                metric_id=metric.id, charge_model=model, properties=properties,
                included_quantity=included, sequence=sequence,
            )
        cls.base_product = cls.env["product.product"].create({
            "name": "Pro plan", "type": "service", "invoice_policy": "order",
            "recurring_invoice": True, "list_price": 49.0, "taxes_id": [Command.clear()],
        })
        cls.product.taxes_id = [Command.clear()]

    @classmethod
    def _subscription(cls, external_id="sub-1", start="2026-10-01", next_invoice="2026-11-01",
                      service=None, **values):
        """An app subscription in progress, with a prepaid plan line of CAD 49."""
        order = cls.env["sale.order"].create({
            "partner_id": cls.partner.id,
            "x_fc_service_id": (service or cls.service).id,
            "x_fc_external_id": external_id,
            "x_fc_plan_id": cls.plan.id,
            "start_date": start,
            "next_invoice_date": next_invoice,
            "order_line": [Command.create({
                "product_id": cls.base_product.id, "product_uom_qty": 1, "price_unit": 49.0,
            })],
            **values,
        })
        order.action_confirm()
        order.subscription_state = "3_progress"
        return order

    def _rate_by_cron(self):
        """The rating cron, as the scheduler runs it (it commits per batch)."""
        with self.enter_registry_test_mode():
            self.env.ref(
                "fusion_centralize_billing.ir_cron_fusion_billing_rate_usage"
            ).method_direct_trigger()

    def _push(self, pushes, service=None, now=NOW):
        """Ingest and expect success: the stored rows and outcomes."""
        results, errors = self.env["fusion.billing.usage"]._ingest(
            service or self.service, pushes, now=now)
        self.assertEqual(errors, {})
        return results

    @staticmethod
    def _event(tx, code, value=None, at="2026-10-15T12:00:00Z", sub="sub-1", **properties):
        if value is not None:
            properties.setdefault("value", value)
        return {"transaction_id": tx, "external_subscription_id": sub, "code": code,
                "timestamp": at, "properties": properties}

    def _engine_amount(self, metric_code, units, events=None):
        """What engine.rating says a charge costs, computed independently of Odoo."""
        charge = self.charges[metric_code]
        engine_charge = Charge.build(charge.charge_model, charge.properties,
                                     included_quantity=str(charge.included_quantity))
        if not engine_charge.pricer.needs_events:
            events = None
        return rate(engine_charge, Decimal(units), events=events).amount
