# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import cost_csv
from ..engine.errors import ValidationFailure

OUTCOMES = [("created", "New"), ("replaced", "Replaced"), ("unchanged", "Unchanged")]


class FusionBillingCostUpload(models.TransientModel):
    """Uploads a provider's bill (CSV) as daily costs: all of it, or nothing with every
    problem by line. Uploading the same bill again changes nothing; a corrected bill
    replaces the days it changes, keeping the replaced figures."""

    _name = "fusion.billing.cost.upload"
    _description = "Upload a Provider's Bill"

    service_id = fields.Many2one("fusion.billing.service", required=True)
    provider_id = fields.Many2one(
        "fusion.billing.provider",
        help="The provider of the lines without a provider column.",
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id,
        help="The currency of the lines without a currency column.",
    )
    source = fields.Char(
        required=True, default="csv",
        help="Who reports these costs: a bill uploaded again under the same source "
        "replaces its days; under another source it adds to them.",
    )
    file = fields.Binary(string="CSV File", required=True)
    filename = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("failed", "Refused"), ("done", "Done")],
                             default="draft", readonly=True)
    problems = fields.Text(readonly=True)
    line_ids = fields.One2many("fusion.billing.cost.upload.line", "upload_id", readonly=True)
    created_count = fields.Integer(readonly=True)
    replaced_count = fields.Integer(readonly=True)
    unchanged_count = fields.Integer(readonly=True)

    def action_upload(self):
        """Read the file and store its costs, or refuse it whole with its problems."""
        self.ensure_one()
        try:
            costs, lines = self._fc_read_bill()
            results, errors = self.env["fusion.billing.cost"].sudo()._fc_ingest(
                self.service_id, costs, source=self.source.strip(), max_batch=None)
        except ValidationFailure as failure:
            return self._fc_refuse(failure.lines())
        if errors:
            return self._fc_refuse([
                f"line {', '.join(map(str, lines[int(index)]))}: {line}"
                for index, details in sorted(errors.items(), key=lambda item: int(item[0]))
                for line in ValidationFailure(details).lines()
            ])
        counts = {outcome: 0 for outcome, _label in OUTCOMES}
        for _cost_id, outcome in results:
            counts[outcome] += 1
        self.write({
            "state": "done", "problems": False,
            "created_count": counts["created"], "replaced_count": counts["replaced"],
            "unchanged_count": counts["unchanged"],
            "line_ids": [(5, 0, 0)] + [(0, 0, {
                "cost_id": cost_id, "outcome": outcome,
                "lines": ", ".join(map(str, bill_lines)),
            }) for (cost_id, outcome), bill_lines in zip(results, lines, strict=True)],
        })
        return self._fc_reopen()

    def _fc_read_bill(self):
        try:
            text = base64.b64decode(self.file or b"").decode("utf-8-sig")
        except (binascii.Error, UnicodeDecodeError):
            raise UserError(self.env._(
                "The file is not a CSV file in UTF-8: export the bill as CSV (UTF-8) and "
                "upload it again.")) from None
        currencies = self.env["res.currency"].search([("active", "=", True)])
        return cost_csv.bill_costs(
            cost_csv.read_rows(text), provider=self.provider_id.name or None,
            currency=self.currency_id.name,
            exponents={currency.name: currency.decimal_places for currency in currencies},
        )

    def _fc_refuse(self, problems):
        self.write({"state": "failed", "line_ids": [(5, 0, 0)],
                    "problems": "\n".join(problems)})
        return self._fc_reopen()

    def _fc_reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": self.env._("Upload a Bill")}

    @api.onchange("file")
    def _onchange_file(self):
        self.state = "draft"
        self.problems = False


class FusionBillingCostUploadLine(models.TransientModel):
    _name = "fusion.billing.cost.upload.line"
    _description = "Cost of an Uploaded Bill"

    upload_id = fields.Many2one("fusion.billing.cost.upload", required=True,
                                ondelete="cascade")
    cost_id = fields.Many2one("fusion.billing.cost", readonly=True)
    outcome = fields.Selection(OUTCOMES, readonly=True)
    lines = fields.Char(string="Bill Lines", readonly=True)
    date = fields.Date(related="cost_id.date")
    provider_id = fields.Many2one(related="cost_id.provider_id")
    partner_id = fields.Many2one(related="cost_id.partner_id")
    amount = fields.Monetary(related="cost_id.amount")
    currency_id = fields.Many2one(related="cost_id.currency_id")
