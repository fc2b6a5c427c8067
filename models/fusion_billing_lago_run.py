# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A mirror run from Lago, kept as the import's runs are: who, when, dry or not, and one
row per Lago object (metric, plan, charge, customer, subscription, the events of a
subscription, and what Odoo does not carry) with its outcome and reason."""

import base64
import logging
import time
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from ..engine.import_source import results_csv
from ..engine.lago_rows import OUTCOMES, TABLES, UNCHANGED, counts
from .fusion_billing_lago_mirror import LagoMirror

_logger = logging.getLogger(__name__)


class FusionBillingImportRun(models.Model):
    _inherit = "fusion.billing.import.run"

    source_type = fields.Selection(selection_add=[("lago", "Lago API")],
                                   ondelete={"lago": "cascade"})
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    lago_requests = fields.Integer(readonly=True,
                                   help="How many answers the run read from Lago.")
    lago_events = fields.Integer(string="New Events", readonly=True,
                                 help="Lago events stored as usage pushes by this run.")

    def _compute_name(self):
        result = super()._compute_name()
        for run in self.filtered(lambda run: run.source_type == "lago"):
            kind = self.env._("Lago dry run") if run.dry_run else self.env._("Lago mirror")
            stamp = fields.Datetime.to_string(run.date) if run.date else ""
            run.name = f"{kind} {run.service_id.code or ''} {stamp}".strip()
            run.csv_filename = "lago-{}-{}.csv".format(run.service_id.code or "service",
                                                      run.id or "new")
        return result

    def _compute_csv_file(self):
        lago = self.filtered(lambda run: run.source_type == "lago")
        result = super(FusionBillingImportRun, self - lago)._compute_csv_file()
        for run in lago:
            text = results_csv(((line.table, line.key, line.outcome, line.reason,
                                 line.error_type) for line in run.line_ids), OUTCOMES)
            run.csv_file = base64.b64encode(text.encode())
        return result

    @api.model
    def _fc_lago_mirror(self, service, client, *, dry_run, full=True, now=None, user=None):
        """Mirror ``service``'s Lago organization into Odoo; record the run.

        Everything is read and written in one savepoint: when Lago cannot be read to the
        end, nothing is kept and :class:`~engine.lago_source.LagoFailure` goes up. A dry
        run rolls the savepoint back and keeps only the run record.

        :param client: ``models.lago_http.LagoClient``
        :param bool full: read every subscription's events of its open period (and the
            things Odoo does not carry); else only the events since the last pull
        :param datetime now: the clock (UTC-aware); for tests
        :rtype: fusion.billing.import.run
        """
        started = time.monotonic()
        now = now or datetime.now(UTC)
        mirror = LagoMirror(self.env, service, client, now, full=full)
        savepoint = self.env.cr.savepoint()
        try:
            mirror.run()
        except BaseException:
            savepoint.close(rollback=True)
            raise
        savepoint.close(rollback=dry_run)
        if not dry_run:
            values = {"lago_pulled_at": now.replace(tzinfo=None)}
            if full:
                values["lago_full_run_at"] = now.replace(tzinfo=None)
            service.sudo().write(values)
        verdicts = mirror.verdicts if full else mirror.news()
        if not full and not verdicts:
            return self.browse()
        run = self._fc_lago_record(service, verdicts, dry_run=dry_run, source_type="lago",
                                   source_label=mirror.label(),
                                   duration=time.monotonic() - started,
                                   user_id=(user or self.env.user).id,
                                   lago_requests=client.requests,
                                   lago_events=mirror.events_stored)
        run._fc_lago_log()
        return run

    @api.model
    def _fc_lago_record(self, service, verdicts, **values):
        total = counts(verdict.outcome for verdict in verdicts)
        run = self.create({"service_id": service.id, **values,
                           **{f"{outcome}_count": total[outcome] for outcome in OUTCOMES}})
        # Plain rows (no computed field, no constraint but the run's): a multi-row INSERT,
        # as a first mirror of a large organization keeps tens of thousands of them.
        self.env.flush_all()
        for chunk in split_every(1000, verdicts, list):
            self.env.cr.execute(SQL(
                "INSERT INTO fusion_billing_import_run_line (run_id, \"table\", key, outcome,"
                " reason, error_type, record_name, create_uid, write_uid, create_date,"
                " write_date) VALUES %s",
                SQL(", ").join(SQL(
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, NOW() AT TIME ZONE 'UTC',"
                    " NOW() AT TIME ZONE 'UTC')",
                    run.id, verdict.table, verdict.key[:255], verdict.outcome,
                    verdict.reason or None, verdict.error_type or None,
                    verdict.record_name or None, self.env.uid, self.env.uid,
                ) for verdict in chunk)))
        run.invalidate_recordset(["line_ids"])
        return run

    def _fc_lago_log(self):
        self.ensure_one()
        kind = "dry run" if self.dry_run else "mirror"
        level = logging.WARNING if self.failed_count else logging.INFO
        _logger.log(level, "Lago %s %s of %s: %s created, %s updated, %s unchanged, "
                    "%s skipped, %s failed, %s new events, %s requests, %.1f s", kind,
                    self.id, self.service_id.code, self.created_count, self.updated_count,
                    self.unchanged_count, self.skipped_count, self.failed_count,
                    self.lago_events, self.lago_requests, self.duration)


class FusionBillingImportRunLine(models.Model):
    _inherit = "fusion.billing.import.run.line"

    table = fields.Selection(
        selection_add=[(table, table.replace("_", " ").capitalize())
                       for table in TABLES if table not in ("customers", "plans",
                                                            "subscriptions")],
        ondelete={table: "cascade" for table in TABLES
                  if table not in ("customers", "plans", "subscriptions")},
    )
    outcome = fields.Selection(selection_add=[(UNCHANGED, "Unchanged")],
                               ondelete={UNCHANGED: "cascade"})
