# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A service's connection to the Lago organization it leaves: mirror, dual run, swap.

The API key is kept as Odoo's payment providers keep theirs (``stripe_secret_key``): a
plain field readable by system administrators only (``base.group_system``), never put
on a page. A Billing Administrator types it into a field that is never read back
(``lago_api_key_new``); the chatter says that it changed, never what it is.
"""

import logging
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import lago_invoices
from ..engine.lago_source import LagoFailure, full_sweep_due
from .fusion_billing_service import MANAGER_GROUP
from .lago_http import LagoClient

_logger = logging.getLogger(__name__)


class FusionBillingService(models.Model):
    _inherit = "fusion.billing.service"

    lago_api_url = fields.Char(
        string="Lago Base URL", groups=MANAGER_GROUP, tracking=True, copy=False,
        help="The address of the Lago organization this service leaves, as Lago's own "
        "clients take it (https://lago.example.ca, without /api/v1).",
    )
    lago_api_key = fields.Char(
        string="Lago API Key", groups="base.group_system", copy=False,
        help="The Lago organization's API key, used read-only. Never shown: type a new "
        "one in Lago API Key to replace it.",
    )
    lago_api_key_new = fields.Char(
        string="New Lago API Key", compute="_compute_lago_api_key_new",
        inverse="_inverse_lago_api_key_new", groups=MANAGER_GROUP,
        help="Type the Lago organization's API key here. It is stored for the mirror and "
        "never shown again.",
    )
    lago_api_key_set = fields.Boolean(
        string="Lago API Key Set", compute="_compute_lago_api_key_set", groups=MANAGER_GROUP,
    )
    lago_mirror = fields.Boolean(
        string="Continuous Mirror", groups=MANAGER_GROUP, tracking=True, copy=False,
        help="While the service is in shadow mode, pull Lago's new events, customers and "
        "subscriptions every few minutes. Untick it to stop the mirror.",
    )
    lago_pulled_at = fields.Datetime(
        string="Events Pulled Up To", readonly=True, copy=False, groups=MANAGER_GROUP,
        help="When the last pull of Lago's events started: the next one reads from an "
        "hour before it.",
    )
    lago_full_run_at = fields.Datetime(
        string="Last Full Mirror", readonly=True, copy=False, groups=MANAGER_GROUP,
    )
    lago_last_error = fields.Text(
        string="Last Mirror Problem", readonly=True, copy=False, groups=MANAGER_GROUP,
    )
    lago_run_ids = fields.One2many(
        "fusion.billing.import.run", "service_id", string="Lago Runs",
        domain=[("source_type", "=", "lago")], groups=MANAGER_GROUP,
    )

    # === KEY === #

    def _compute_lago_api_key_new(self):
        self.lago_api_key_new = False  # never read back

    def _inverse_lago_api_key_new(self):
        for service in self.filtered("lago_api_key_new"):
            service._check_manager()
            service.sudo().lago_api_key = service.lago_api_key_new.strip()
            service.message_post(body=self.env._("Lago API key changed."))

    def _compute_lago_api_key_set(self):
        for service in self:
            service.lago_api_key_set = bool(service.sudo().lago_api_key)

    def write(self, vals):
        if "lago_api_key" in vals and not self.env.su:
            # Only through lago_api_key_new (which leaves a trace in the chatter).
            raise UserError(self.env._("Type the Lago API key in New Lago API Key."))
        return super().write(vals)

    def _fc_lago_client(self):
        """The Lago client of this service. :raise UserError: without a connection"""
        self.ensure_one()
        service = self.sudo()
        if not service.lago_api_url:
            raise UserError(self.env._("Enter the Lago base URL of %(service)s first.",
                                       service=self.name))
        try:
            return LagoClient(service.lago_api_url, service.lago_api_key)
        except LagoFailure as failure:
            raise UserError(str(failure)) from None

    # === ACTIONS === #

    def action_lago_test_connection(self):
        """Read one billable metric: the URL and the key work, read-only."""
        self.ensure_one()
        self._check_manager()
        client = self._fc_lago_client()
        try:
            next(client.pages("billable_metrics", "billable_metrics"))
        except LagoFailure as failure:
            raise UserError(str(failure)) from None
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "title": self.env._("Lago answers"),
            "message": self.env._("Lago at %(url)s accepted the key.", url=client.base),
        }}

    def action_lago_dry_run(self):
        return self._fc_lago_action(dry_run=True)

    def action_lago_mirror(self):
        if any(service.mode != "shadow" for service in self):
            # Lago stops at each subscription's hand-over (its ending_at): mirroring that
            # would end the subscriptions Odoo now bills.
            raise UserError(self.env._(
                "The service is live: Odoo bills it and Lago is being retired. The mirror "
                "only runs in shadow mode (a dry run still shows what Lago holds)."))
        return self._fc_lago_action(dry_run=False)

    def _fc_lago_action(self, dry_run):
        self.ensure_one()
        self._check_manager()
        client = self._fc_lago_client()
        Run = self.env["fusion.billing.import.run"].sudo()
        try:
            run = Run._fc_lago_mirror(self.sudo(), client, dry_run=dry_run,
                                      user=self.env.user)
        except LagoFailure as failure:
            raise UserError(self.env._(
                "Nothing was written. %(problem)s", problem=str(failure))) from None
        return {"type": "ir.actions.act_window", "res_model": run._name, "res_id": run.id,
                "view_mode": "form", "target": "current"}

    # === CONTINUOUS MIRROR === #

    @api.model
    def _cron_fc_lago_mirror(self):
        """Pull every shadow service's Lago organization, one service per transaction.

        A service is claimed with ``FOR UPDATE SKIP LOCKED`` (two servers never pull one
        service at once) and committed once pulled. A failure rolls the service's pull
        back, is kept on the service (Last Mirror Problem) and logged without the key.
        """
        cron = self.env["ir.cron"]
        done = []
        while True:
            service = self._fc_claim_lago_service(done)
            if not service:
                break
            done.append(service.id)
            service._fc_lago_pull()
            if not cron._commit_progress(1):
                break
        cron._commit_progress(remaining=0)

    @api.model
    def _fc_claim_lago_service(self, exclude):
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """
            SELECT id FROM fusion_billing_service
             WHERE active AND mode = 'shadow' AND lago_mirror
               AND lago_api_url IS NOT NULL AND lago_api_key IS NOT NULL
               AND NOT (id = ANY(%s))
             ORDER BY lago_pulled_at NULLS FIRST, id
             LIMIT 1
               FOR UPDATE SKIP LOCKED
            """, list(exclude),
        ))
        return self.browse(rows[0][0]) if rows else self.browse()

    def _fc_lago_pull(self, now=None):
        """One pull of this service: a full mirror once a day, else an incremental one.

        :return: the run recorded, if anything happened
        """
        self.ensure_one()
        service = self.sudo()
        now = now or datetime.now(UTC)
        last_full = service.lago_full_run_at and service.lago_full_run_at.replace(tzinfo=UTC)
        full = full_sweep_due(last_full or None, now)
        Run = self.env["fusion.billing.import.run"].sudo()
        try:
            with self.env.cr.savepoint():
                run = Run._fc_lago_mirror(service, service._fc_lago_client(), dry_run=False,
                                          full=full, now=now)
        except (LagoFailure, UserError) as failure:
            _logger.warning("Lago mirror of %s: %s", service.code, failure)
            service.lago_last_error = f"{fields.Datetime.to_string(now)}: {failure}"
            return None
        service.lago_last_error = False
        return run

    # === DUAL RUN === #

    def _fc_lago_invoices(self, issuing_date_from=None, issuing_date_to=None):
        """Lago's finalized subscription invoices as the dual run's app invoices.

        Reads ``GET /api/v1/invoices`` (finalized subscription invoices, issued between
        the two dates when given), then each one with its fees.

        :param date issuing_date_from: first issuing date, included
        :param date issuing_date_to: last issuing date, included
        :return: ``{"invoice_id", "external_subscription_id", "from_date", "to_date",
            "currency", "amount_cents", "fees": [{"billable_metric_code",
            "amount_cents"}]}`` per invoice and subscription (see
            ``engine.lago_invoices``)
        :rtype: list
        :raise UserError: If Lago cannot be read
        """
        self.ensure_one()
        client = self._fc_lago_client()
        params = {"status": "finalized", "invoice_type": "subscription",
                  "issuing_date_from": issuing_date_from and issuing_date_from.isoformat(),
                  "issuing_date_to": issuing_date_to and issuing_date_to.isoformat()}
        try:
            rows = []
            for listed in client.all("invoices", "invoices", params):
                if not lago_invoices.counted(listed):
                    continue
                invoice = client.one(f"invoices/{listed.get('lago_id')}", "invoice")
                rows.extend(lago_invoices.app_invoices(invoice, self._fc_timezone()))
        except LagoFailure as failure:
            raise UserError(str(failure)) from None
        return rows
