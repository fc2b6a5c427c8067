# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..engine.errors import ValidationFailure
from .fusion_billing_app_invoice import CREATED, REPLACED

APP_INVOICES = "invoices"


class FusionBillingImportRunLine(models.Model):
    _inherit = "fusion.billing.import.run.line"

    table = fields.Selection(selection_add=[(APP_INVOICES, "Invoices")],
                             ondelete={APP_INVOICES: "cascade"})


class FusionBillingImportRun(models.Model):
    _inherit = "fusion.billing.import.run"

    def _fc_add_app_invoices(self, invoices, results, errors):
        """Record the app's invoices a run read (its optional billing tables): one line
        each, created, updated (a resend with other figures), skipped (identical) or
        failed with the reason."""
        self.ensure_one()
        outcomes = {CREATED: "created", REPLACED: "updated"}
        lines, counts = [], dict.fromkeys(("created", "updated", "skipped", "failed"), 0)
        for index, invoice in enumerate(invoices):
            key = str(invoice.get("invoice_id") or f"#{index + 1}")
            problem = errors.get(str(index)) or errors.get(key)
            if problem:
                outcome, reason = "failed", "; ".join(ValidationFailure(problem).lines())
            else:
                _record, result = results[index]
                outcome = outcomes.get(result, "skipped")
                reason = False if outcome != "skipped" else self.env._(
                    "Identical to what the app reported before.")
            counts[outcome] += 1
            lines.append({"run_id": self.id, "table": APP_INVOICES, "key": key,
                          "outcome": outcome, "reason": reason,
                          "error_type": "ValidationFailure" if outcome == "failed" else False})
        self.env["fusion.billing.import.run.line"].create(lines)
        self.write({f"{name}_count": self[f"{name}_count"] + number
                    for name, number in counts.items()})
