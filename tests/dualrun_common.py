# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fixtures of the dual-run tests: a shadow service whose periods are rated, and the
app's invoices built from Odoo's own figures (so a test changes only what it means to)."""

from odoo.tests import freeze_time

from .usage_common import UsageCommon


class DualRunCommon(UsageCommon):
    """The usage fixtures' service, in shadow, with a one-cent tolerance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service.mode = "shadow"
        cls.service.reconciliation_tolerance_cents = 1

    def _rate(self, at):
        with freeze_time(at), self.enter_registry_test_mode():
            self.env.ref(
                "fusion_centralize_billing.ir_cron_fusion_billing_rate_usage"
            ).method_direct_trigger()

    def _lines(self, key, start=None):
        """``{metric code or "total": line}`` of one subscription (and period start)."""
        domain = [("service_id", "=", self.service.id), ("subscription_key", "=", key)]
        if start:
            domain.append(("period_start", "=", start))
        lines = self.env["fusion.billing.reconciliation"].search(domain)
        return {line.metric_code or "total": line for line in lines}

    def _odoo_cents(self, key, start):
        return {code: round(line.odoo_amount * 100)
                for code, line in self._lines(key, start).items() if line.odoo_reported}

    @property
    def currency(self):
        """The company's currency: the one the app bills in when nothing is wrong."""
        return self.env.company.currency_id.name

    @property
    def other_currency(self):
        return "EUR" if self.currency != "EUR" else "USD"

    def _app_invoice(self, invoice_id, key, start, end, *, shift=None, currency=None,
                     drop=(), total=None):
        """An app invoice saying what Odoo says for the period, ``shift`` cents off per
        metric code (``"total"`` for the total)."""
        shift = shift or {}
        odoo = self._odoo_cents(key, start)
        fees = [{"billable_metric_code": code, "amount_cents": cents + shift.get(code, 0)}
                for code, cents in sorted(odoo.items()) if code != "total" and code not in drop]
        amount = total if total is not None else odoo.get("total", 0) + shift.get("total", 0)
        return {"invoice_id": invoice_id, "external_subscription_id": key,
                "from_date": start, "to_date": end, "currency": currency or self.currency,
                "amount_cents": amount, "fees": fees}

    def _intake(self, invoices, source="api", service=None):
        results, errors = self.env["fusion.billing.app.invoice"]._fc_intake(
            service or self.service, invoices, source)
        self.assertEqual(errors, {})
        return results

    def _snapshot(self, service=None):
        """Every line of the service as plain values, for comparing ways in."""
        lines = self.env["fusion.billing.reconciliation"].search(
            [("service_id", "=", (service or self.service).id)])
        return sorted(
            (line.subscription_key, str(line.period_start), str(line.period_end),
             line.metric_code or "", line.odoo_reported and line.odoo_amount,
             line.app_reported and line.app_amount, line.app_currency_id.name or "",
             line.state, line.difference if line.state in ("matched", "mismatch") else None)
            for line in lines)
