# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fixtures of the margin tests: three customers of a service with their subscriptions,
a metric the providers bill by, and a foreign currency with rates on known days."""

from datetime import UTC, datetime
from decimal import Decimal

from .common import FusionBillingCommon

# The tests' today: costs are for November 2026.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
D = Decimal


class MarginCommon(FusionBillingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.env.company.currency_id
        cls.map_loads = cls._create_metric(cls.service, code="map_loads", unit_name="loads")
        Partner = cls.env["res.partner"]
        cls.alpha = cls.partner
        cls.beta = Partner.create({"name": "Birch Bay Apps", "email": "ops@birchbay.example"})
        cls.gamma = Partner.create({"name": "Cedar Labs", "email": "it@cedar.example"})
        cls.customers = cls.alpha | cls.beta | cls.gamma
        cls.links = cls.env["fusion.billing.account.link"].create([
            {"service_id": cls.service.id, "external_id": f"cus_{name}", "partner_id": p.id}
            for name, p in (("alpha", cls.alpha), ("beta", cls.beta), ("gamma", cls.gamma))
        ])
        cls.subscriptions = cls.env["sale.order"].create([{
            "partner_id": partner.id, "x_fc_service_id": cls.service.id,
            "x_fc_external_id": f"sub_{index}", "x_fc_plan_id": cls.plan.id,
            "start_date": "2026-10-01", "state": "sale",
        } for index, partner in enumerate(cls.customers)])
        # A foreign currency with the company's own rates on two days of November.
        cls.foreign = cls.env.ref("base.EUR" if cls.currency.name != "EUR" else "base.USD")
        cls.foreign.active = True
        Rate = cls.env["res.currency.rate"]
        Rate.search([("currency_id", "=", cls.foreign.id)]).unlink()
        Rate.create([
            {"currency_id": cls.foreign.id, "name": "2026-11-01", "rate": 0.8,
             "company_id": cls.env.company.root_id.id},
            {"currency_id": cls.foreign.id, "name": "2026-11-10", "rate": 0.75,
             "company_id": cls.env.company.root_id.id},
        ])
        cls.Cost = cls.env["fusion.billing.cost"].sudo()

    def _ingest(self, items, service=None, **options):
        """Store costs and expect success: ``[(cost, outcome)]``."""
        results, errors = self.Cost._fc_ingest(service or self.service, items, now=NOW,
                                               **options)
        self.assertEqual(errors, {})
        return [(self.Cost.browse(cost_id), outcome) for cost_id, outcome in results]

    def _errors(self, items, **options):
        results, errors = self.Cost._fc_ingest(self.service, items, now=NOW, **options)
        self.assertEqual(results, [])
        return errors

    @staticmethod
    def _cost(provider="OpenAI", day="2026-11-20", cents=1234, **values):
        return {"provider": provider, "date": day, "amount_cents": cents, **values}

    def _money(self, value):
        """An amount as the company currency rounds it, as a Decimal."""
        return D(str(self.currency.round(value)))
