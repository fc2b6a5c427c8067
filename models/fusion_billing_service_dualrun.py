# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import logging
from datetime import UTC, datetime, timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import reconcile
from ..engine.errors import ValidationFailure
from ..engine.money import from_cents, to_cents
from ..engine.periods import local_date
from ..wizard import fusion_billing_import_source as sources

_logger = logging.getLogger(__name__)

# How many of the largest differences the readiness panel lists.
LARGEST = 5


# How far back the daily read of Lago's invoices looks (a quarter and a bit: two
# monthly periods and their late re-issues).
LAGO_INVOICE_DAYS = 100


class FusionBillingService(models.Model):
    """The dual run of a service: its tolerance, its readiness, and the gated cutover
    (**Go Live**, **Back to Shadow**), each decision kept with a readiness snapshot."""

    _inherit = "fusion.billing.service"

    reconciliation_tolerance_cents = fields.Integer(
        string="Tolerance (cents)", default=1, tracking=True,
        help="Largest difference, in cents, between Odoo's and the app's figure that still "
        "matches.")
    reconciliation_tolerance_percent = fields.Float(
        string="Tolerance (%)", digits=(5, 2), default=0.0, tracking=True,
        help="Largest difference as a share of the app's figure that still matches; the "
        "larger of the two tolerances applies.")
    readiness_periods = fields.Integer(
        string="Periods to Match", default=2, tracking=True,
        help="How many of each subscription's last closed periods must match before the "
        "service is ready to go live.")
    readiness_share = fields.Float(
        string="Subscriptions Ready (%)", digits=(5, 2), default=100.0, tracking=True,
        help="Share of subscriptions whose last periods all match that makes the service "
        "ready (100: every one).")
    app_invoice_source = fields.Selection(
        [("none", "Not read"), ("database", "The app's database"), ("lago", "Lago")],
        string="Daily Read of the App's Invoices", default="none", required=True,
        tracking=True,
        help="Where the scheduled action reads the app's own invoices each day while the "
        "service is in shadow. The API takes them whatever is set here.")
    app_database_dsn = fields.Char(
        string="App Database", groups="fusion_centralize_billing.group_fusion_billing_manager",
        tracking=True,
        help="libpq connection string without the password, e.g. \"host=db port=5432 "
        "dbname=nexacloud user=odoo_dualrun\". The password comes from the Odoo server's "
        "own ~/.pgpass (or the file PGPASSFILE names), never from the database.")
    app_database_schema = fields.Char(
        string="App Schema", default="public",
        groups="fusion_centralize_billing.group_fusion_billing_manager")
    app_invoice_count = fields.Integer(compute="_compute_app_invoice_count")
    cutover_ids = fields.One2many("fusion.billing.cutover", "service_id",
                                  string="Cutover Decisions")
    live_invoice_count = fields.Integer(
        compute="_compute_live_invoice_count",
        help="Invoices native Odoo posted since the service went live: once there is one, "
        "the service cannot go back to shadow.")
    # The readiness panel (computed on display, never stored).
    readiness_ready = fields.Boolean(string="Ready", compute="_compute_readiness")
    readiness_subscriptions = fields.Integer(compute="_compute_readiness")
    readiness_ready_subscriptions = fields.Integer(string="Subscriptions Matched",
                                                   compute="_compute_readiness")
    readiness_matched_share = fields.Float(string="Lines Matched (%)", digits=(5, 1),
                                           compute="_compute_readiness")
    readiness_difference = fields.Monetary(string="Absolute Difference",
                                           compute="_compute_readiness")
    readiness_missing_app = fields.Integer(string="Missing in the App",
                                           compute="_compute_readiness")
    readiness_missing_odoo = fields.Integer(string="Missing in Odoo",
                                            compute="_compute_readiness")
    readiness_short = fields.Integer(string="Too Few Closed Periods",
                                     compute="_compute_readiness")
    readiness_blockers = fields.Text(string="What Stands in the Way",
                                     compute="_compute_readiness")
    readiness_largest_ids = fields.Many2many("fusion.billing.reconciliation",
                                             string="Largest Differences",
                                             compute="_compute_readiness")

    _readiness_periods_positive = models.Constraint(
        "CHECK(readiness_periods >= 1)", "At least one period must match to go live.")
    _readiness_share_range = models.Constraint(
        "CHECK(readiness_share > 0 AND readiness_share <= 100)",
        "The share of subscriptions ready is a percentage above 0, at most 100.")
    _tolerance_range = models.Constraint(
        "CHECK(reconciliation_tolerance_cents >= 0 AND reconciliation_tolerance_percent >= 0"
        " AND reconciliation_tolerance_percent <= 100)",
        "The reconciliation tolerance cannot be negative (nor the percentage over 100).")

    # === COMPUTE METHODS === #

    def _compute_app_invoice_count(self):
        counts = dict(self.env["fusion.billing.app.invoice"]._read_group(
            [("service_id", "in", self.ids)], ["service_id"], ["__count"]))
        for service in self:
            service.app_invoice_count = counts.get(service, 0)

    def _compute_live_invoice_count(self):
        for service in self:
            service.live_invoice_count = len(service._fc_live_invoice_ids())

    def _compute_readiness(self):
        for service in self:
            if not service.id:
                service.update({name: False for name in self._fc_readiness_fields()})
                continue
            result, largest = service._fc_readiness()
            currency = service.currency_id
            service.update({
                "readiness_ready": result.ready,
                "readiness_subscriptions": result.subscriptions,
                "readiness_ready_subscriptions": result.ready_subscriptions,
                "readiness_matched_share": float(result.matched_share),
                "readiness_difference": float(from_cents(
                    result.absolute_difference_cents, currency.decimal_places)),
                "readiness_missing_app": result.missing_app,
                "readiness_missing_odoo": result.missing_odoo,
                "readiness_short": result.short_of_periods,
                "readiness_blockers": "\n".join(service._fc_blocker_sentences(result)),
                "readiness_largest_ids": [fields.Command.set(largest)],
            })

    def _fc_readiness_fields(self):
        return [name for name in self._fields if name.startswith("readiness_")
                and name not in ("readiness_periods", "readiness_share")]

    # === CRUD METHODS === #

    def write(self, vals):
        # The mode changes through Go Live and Back to Shadow only: both are gated and
        # leave a decision with its readiness behind.
        if "mode" in vals and not self.env.su:
            raise UserError(self.env._(
                "A service's mode changes with Go Live or Back to Shadow only."))
        result = super().write(vals)
        if {"reconciliation_tolerance_cents", "reconciliation_tolerance_percent"} & set(vals):
            Reconciliation = self.env["fusion.billing.reconciliation"].sudo()
            for service in self:
                Reconciliation._fc_refresh_service(service)
        return result

    # === ACTION METHODS === #

    def action_open_go_live(self):
        """The Go Live dialog: the readiness, what stands in the way, an override."""
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Go Live"),
            "res_model": "fusion.billing.go.live.wizard", "view_mode": "form",
            "target": "new", "context": {"default_service_id": self.id},
        }

    def action_set_live(self):
        """Go live without an override: only a ready service goes."""
        for service in self:
            service._fc_go_live()

    def action_set_shadow(self):
        """Back to shadow, while native Odoo has posted no invoice for the service."""
        self._check_manager()
        for service in self.filtered(lambda s: s.mode == "live"):
            invoices = service._fc_live_invoice_ids()
            if invoices:
                raise UserError(self.env._(
                    "%(service)s cannot go back to shadow: native Odoo has already posted "
                    "%(count)s invoice(s) for it since it went live (first: %(name)s). "
                    "Going back now would leave customers billed by both Odoo and the "
                    "app; correct those invoices with credit notes instead.",
                    service=service.name, count=len(invoices),
                    name=self.env["account.move"].browse(invoices[0]).name))
            snapshot, _largest = service._fc_readiness()
            subscriptions = service._fc_subscriptions()
            subscriptions._fc_lock()
            service.sudo().mode = "shadow"
            subscriptions._fc_back_to_shadow()
            service._fc_record_decision("shadow", snapshot)

    def action_view_app_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.env._("App Invoices"),
            "res_model": "fusion.billing.app.invoice", "view_mode": "list,form",
            "domain": [("service_id", "=", self.id)],
        }

    def action_view_readiness_lines(self):
        """The reconciliation lines of the service, mismatches first."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fusion_centralize_billing.action_fusion_billing_reconciliation")
        action["domain"] = [("service_id", "=", self.id)]
        return action

    # === BUSINESS METHODS === #

    def _fc_tolerance(self):
        self.ensure_one()
        return reconcile.Tolerance.build(
            self.reconciliation_tolerance_cents,
            str(self.reconciliation_tolerance_percent or 0))

    def _fc_today(self):
        """Today in the service's company time zone."""
        self.ensure_one()
        return local_date(datetime.now(UTC), self._fc_timezone())

    def _fc_readiness(self, today=None):
        """Judge the service's dual run over each subscription's last N closed periods.

        One query: the per-subscription figures of the window (for the engine) and its
        largest differences.

        :return: ``(engine.reconcile.Readiness, [ids of the largest differences])``
        """
        self.ensure_one()
        today = today or self._fc_today()
        self.env["fusion.billing.reconciliation"].flush_model()
        # Each subscription's periods ranked newest first in one pass over narrow rows
        # (no join, a sort in memory): the lines of its last N closed periods, their
        # figures per subscription (its highest rank is how many periods it has) and, on
        # every row, the ids of the largest differences.
        self.env.cr.execute(SQL("SET LOCAL work_mem = '64MB'"))
        rows = self.env.execute_query(SQL("""
            WITH lines AS MATERIALIZED (
                SELECT id, subscription_key, n, state, metric_code, difference
                  FROM (SELECT id, subscription_key, period_start, period_end, state,
                               metric_code, difference,
                               dense_rank() OVER (
                                   PARTITION BY subscription_key
                                   ORDER BY period_end DESC, period_start DESC) AS n
                          FROM fusion_billing_reconciliation
                         WHERE service_id = %(service)s AND period_end < %(today)s
                       ) ranked
                 WHERE n <= %(periods)s
            ), largest AS (
                SELECT array_agg(id ORDER BY size DESC, id) AS ids
                  FROM (SELECT id, abs(difference) AS size FROM lines
                         WHERE difference IS NOT NULL AND difference != 0
                         ORDER BY abs(difference) DESC, id LIMIT %(largest)s) top
            )
            SELECT COALESCE(subscription_key, ''),
                   max(n), count(*),
                   count(*) FILTER (WHERE state = %(matched)s),
                   count(*) FILTER (WHERE state = %(missing_app)s),
                   count(*) FILTER (WHERE state IN %(missing_odoo)s),
                   COALESCE(sum(abs(difference)) FILTER (
                       WHERE COALESCE(metric_code, '') = ''), 0)::text,
                   (SELECT ids FROM largest)
              FROM lines GROUP BY 1""",
            service=self.id, today=today, periods=self.readiness_periods, largest=LARGEST,
            matched=reconcile.MATCHED, missing_app=reconcile.MISSING_APP,
            missing_odoo=(reconcile.MISSING_ODOO, reconcile.PERIOD_MISMATCH)))
        exponent = self.currency_id.decimal_places
        figures, difference, largest = [], 0, []
        for key, periods, total, matched, missing_app, missing_odoo, absolute, top in rows:
            figures.append(reconcile.SubscriptionFigures(
                key, periods, total, matched, missing_app, missing_odoo))
            difference += to_cents(absolute, exponent)
            largest = top or []
        result = reconcile.readiness(
            figures, periods=self.readiness_periods,
            required_share=str(self.readiness_share), absolute_difference_cents=difference)
        return result, largest

    def _fc_blocker_sentences(self, result):
        sentences = []
        for code, values in result.blockers:
            if code == "no_closed_period":
                sentences.append(self.env._(
                    "No subscription has a closed period reconciled yet (%(periods)s "
                    "needed).", periods=values["periods"]))
            elif code == "not_enough_ready":
                sentences.append(self.env._(
                    "%(ready)s of %(subscriptions)s subscriptions match over their last "
                    "%(periods)s closed periods; %(share)s%% must.", **values))
            else:
                sentences.append(code)
        if result.missing_app:
            sentences.append(self.env._(
                "%(count)s line(s) still wait for the app's figure.", count=result.missing_app))
        if result.missing_odoo:
            sentences.append(self.env._(
                "%(count)s line(s) the app billed have no Odoo figure (another period, or a "
                "subscription Odoo does not know).", count=result.missing_odoo))
        return sentences

    def _fc_go_live_blockers(self, today=None):
        """What stands in the way of going live, as sentences (empty: it may go).

        One place for every gate, so another check (the Enterprise pre-flight) is one
        more sentence here.
        """
        self.ensure_one()
        if self.mode == "live":
            return [self.env._("%(service)s is already live.", service=self.name)]
        result, _largest = self._fc_readiness(today)
        if result.ready:
            return []
        return self._fc_blocker_sentences(result)

    def _fc_go_live(self, reason=None, today=None):
        """Hand the service's billing to native Odoo, whole, if it is ready or an
        administrator overrides with a reason.

        Every shadow subscription gets its native plan, its next invoice date (the first
        period the app has not billed) and its imported card; webhooks are delivered
        from now on. The decision is kept with its readiness snapshot and posted in the
        chatter.

        :param str reason: the override's reason (required when not ready)
        :raise UserError: not an administrator, already live, or not ready without a
            reason
        """
        self.ensure_one()
        self._check_manager()
        if self.mode == "live":
            raise UserError(self.env._("%(service)s is already live.", service=self.name))
        today = today or self._fc_today()
        blockers = self._fc_go_live_blockers(today)
        reason = (reason or "").strip()
        if blockers and not reason:
            raise UserError(self.env._(
                "%(service)s is not ready to go live:\n%(blockers)s\nGo live anyway only "
                "with an override and its reason.", service=self.name,
                blockers="\n".join(f"- {b}" for b in blockers)))
        snapshot, _largest = self._fc_readiness(today)
        subscriptions = self._fc_subscriptions()
        subscriptions._fc_lock()
        self.sudo().mode = "live"
        handed = subscriptions._fc_hand_over(today)
        # What was held in shadow is never sent: the app billed those periods itself.
        self._fc_discard_held_webhooks()
        decision = self._fc_record_decision(
            "live", snapshot, reason=reason if blockers else False, blockers=blockers,
            handed=handed)
        self.env.ref("fusion_centralize_billing.ir_cron_fusion_billing_deliver_webhooks")\
            .sudo()._trigger()
        return decision

    def _fc_record_decision(self, decision, snapshot, reason=False, blockers=(), handed=None):
        """Keep a cutover decision with its readiness, and say it in the chatter."""
        self.ensure_one()
        handed = handed or {}
        cards = sum(1 for order in handed if order.payment_token_id)
        record = self.env["fusion.billing.cutover"].sudo().create({
            "service_id": self.id, "decision": decision, "user_id": self.env.uid,
            "override_reason": reason or False, "blockers": "\n".join(blockers) or False,
            "ready": snapshot.ready, "readiness": reconcile.snapshot(snapshot),
            "subscription_count": len(handed), "card_count": cards,
            "first_handover": min(handed.values()) if handed else False,
        })
        if decision == "live":
            body = self.env._(
                "Went live: %(count)s subscription(s) handed to native billing from their "
                "next period (%(cards)s with the app's card). Readiness: %(matched)s of "
                "%(subscriptions)s subscriptions matched, %(share)s%% of lines.",
                count=len(handed), cards=cards, matched=snapshot.ready_subscriptions,
                subscriptions=snapshot.subscriptions, share=snapshot.matched_share)
        else:
            body = self.env._("Back to shadow: nothing the service causes is billed.")
        message = escape(body)
        if reason:
            message += Markup("<br/>") + escape(self.env._(
                "Override of the readiness gate. Reason: %(reason)s", reason=reason))
            message += Markup("<br/>") + escape(self.env._("Not ready because: %(why)s",
                                                           why=" ".join(blockers)))
        self.message_post(body=message)
        return record

    def _fc_live_invoice_ids(self):
        """Posted customer invoices of this service's subscriptions dated on or after
        their hand-over to native billing (the live ones)."""
        self.ensure_one()
        if self.mode != "live":
            return []
        self.env["account.move"].flush_model()
        return [row[0] for row in self.env.execute_query(SQL("""
            SELECT DISTINCT m.id FROM account_move m
              JOIN account_move_line l ON l.move_id = m.id
              JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = l.id
              JOIN sale_order_line sl ON sl.id = rel.order_line_id
              JOIN sale_order o ON o.id = sl.order_id
             WHERE o.x_fc_service_id = %s AND m.state = 'posted'
               AND m.move_type = 'out_invoice' AND o.x_fc_live_from IS NOT NULL
               AND m.invoice_date >= o.x_fc_live_from
             ORDER BY m.id""", self.id))]

    # === APP INVOICES: THE DAILY READ === #

    @api.model
    def _cron_fc_read_app_invoices(self):
        """Read the app's own invoices of each shadow service that asks for it (its
        billing tables, or Lago), one service at a time, committed per service."""
        cron = self.env["ir.cron"]
        services = self.sudo().search([("mode", "=", "shadow"),
                                       ("app_invoice_source", "!=", "none")])
        for done, service in enumerate(services, start=1):
            try:
                with self.env.cr.savepoint():
                    results, errors = service._fc_read_app_invoices()
                _logger.info("App invoices of %s: %s read, %s refused", service.code,
                             len(results), len(errors))
            except (UserError, ValidationFailure) as error:
                _logger.warning("App invoices of %s not read: %s", service.code, error)
                service.message_post(body=self.env._(
                    "The app's invoices could not be read: %(error)s", error=str(error)))
            cron._commit_progress(1, remaining=len(services) - done)

    def _fc_read_app_invoices(self):
        """Read and take the app's invoices from where the service says.

        :return: the intake's ``(results, errors)``
        """
        self.ensure_one()
        AppInvoice = self.env["fusion.billing.app.invoice"]
        if self.app_invoice_source == "database":
            invoices, problems = sources.read_app_invoices(
                self.env, self.sudo().app_database_dsn, None,
                (self.sudo().app_database_schema or "public").strip())
            if invoices is None:
                raise UserError(self.env._(
                    "The app's database has no invoices table (docs/import-source.sql)."))
            return AppInvoice._fc_intake_source(self, invoices, problems, "database")
        if self.app_invoice_source == "lago":
            invoices = self._fc_lago_app_invoices()
            return AppInvoice._fc_intake(self, invoices, "lago", atomic=False)
        return [], {}

    def _fc_lago_app_invoices(self):
        """The service's Lago invoices as app invoices (``engine.app_invoices`` shape),
        read with its Lago connection: those issued in the last few months, so a daily
        read takes what is new and what Lago re-issued (the intake skips the unchanged).
        """
        self.ensure_one()
        since = self._fc_today() - timedelta(days=LAGO_INVOICE_DAYS)
        return self.sudo()._fc_lago_invoices(issuing_date_from=since)
