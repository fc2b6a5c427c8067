# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, fields, models

from ..engine.import_rows import OUTCOMES, TABLES
from ..engine.import_source import results_csv

OUTCOME_SELECTION = [(outcome, outcome.capitalize()) for outcome in OUTCOMES]


class FusionBillingImportRun(models.Model):
    """One run of the import wizard, kept for later reading: who ran it, when, from which
    source, dry run or not, and the outcome of every source row with its reason (plan
    rows are ``read``: their prices are used, nothing of them is written).

    A run is never edited: it is what happened. A partial import shows its failed and
    skipped counts (red and amber banners on the form), never as a success.
    """

    _name = "fusion.billing.import.run"
    _description = "Billing Import Run"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    service_id = fields.Many2one(
        "fusion.billing.service", required=True, readonly=True, index=True,
        ondelete="restrict", check_company=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Run By", required=True, readonly=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(string="Run On", required=True, readonly=True,
                           default=fields.Datetime.now)
    source_type = fields.Selection(
        [("database", "PostgreSQL database"), ("csv", "CSV files")],
        required=True, readonly=True,
    )
    source_label = fields.Char(
        string="Source", readonly=True,
        help="Where the rows came from: the database (host, name, schema, user; never the "
        "password) or the file names.",
    )
    dry_run = fields.Boolean(readonly=True, help="Nothing was written: this is what a real "
                             "run would have done.")
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 1))
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    read_count = fields.Integer(
        string="Read", readonly=True,
        help="Rows read for what they say and never written, as they should be: the plan "
        "rows, read for their prices (plans are Odoo's).")
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    line_ids = fields.One2many("fusion.billing.import.run.line", "run_id", string="Rows",
                               readonly=True)
    csv_file = fields.Binary(string="Result CSV", compute="_compute_csv_file")
    csv_filename = fields.Char(compute="_compute_name")

    @api.depends("date", "dry_run", "service_id.code")
    def _compute_name(self):
        for run in self:
            kind = self.env._("Dry run") if run.dry_run else self.env._("Import")
            stamp = fields.Datetime.to_string(run.date) if run.date else ""
            run.name = f"{kind} {run.service_id.code or ''} {stamp}".strip()
            run.csv_filename = "import-{}-{}.csv".format(run.service_id.code or "service",
                                                        run.id or "new")

    def _compute_csv_file(self):
        for run in self:
            text = results_csv(
                (line.table, line.key, line.outcome, line.reason, line.error_type)
                for line in run.line_ids
            )
            run.csv_file = base64.b64encode(text.encode())

    def action_download_csv(self):
        """Download the per-row result as CSV."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/csv_file/{self.csv_filename}"
            "?download=true",
            "target": "self",
        }


class FusionBillingImportRunLine(models.Model):
    """The outcome of one source row in one run."""

    _name = "fusion.billing.import.run.line"
    _description = "Billing Import Row"
    _order = "run_id, id"

    run_id = fields.Many2one("fusion.billing.import.run", required=True, index=True,
                             ondelete="cascade")
    table = fields.Selection([(table, table.capitalize()) for table in TABLES], required=True)
    key = fields.Char(string="Source ID", required=True)
    outcome = fields.Selection(OUTCOME_SELECTION, required=True, index=True)
    reason = fields.Text()
    error_type = fields.Char(string="Exception Type",
                             help="The type of the exception that failed the row.")
    record_name = fields.Char(string="Odoo Record",
                              help="The partner or subscription the row was written to.")
