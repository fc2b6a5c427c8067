# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, release
from odoo.fields import Command

from ..engine import preflight as rules
from .fusion_billing_locale import translator
from .preflight_checks import PreflightRun

MODULE = "fusion_centralize_billing"
SUBSCRIPTIONS = "sale_subscription"
RESULTS = [(rules.PASSED, "Passed"), (rules.FAILED, "Failed"), (rules.NOT_RUN, "Could Not Run")]
# What the report calls each kind of attempt the guards refused.
ATTEMPTS = {
    "mail": "mail(s)", "smtp": "SMTP connection(s)", "charge": "card charge(s)",
    "payment_request": "payment request(s)", "payment": "payment(s) asked",
    "webhook": "webhook(s) queued", "webhook_delivery": "webhook delivery run(s)",
}


class FusionBillingPreflight(models.Model):
    """One run of the Enterprise pre-flight on this database, kept with the versions it
    ran on: a run proves something of that code only (``engine.preflight``)."""

    _name = "fusion.billing.preflight"
    _description = "Enterprise Pre-flight"
    _order = "run_date desc, id desc"
    _check_company_auto = True

    run_date = fields.Datetime(string="Run On", required=True, readonly=True,
                               default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Run By", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    state = fields.Selection([(rules.PASSED, "Passed"), (rules.FAILED, "Failed")],
                             required=True, readonly=True)
    odoo_version = fields.Char(readonly=True)
    subscription_version = fields.Char(string="sale_subscription Version", readonly=True)
    module_version = fields.Char(readonly=True)
    database = fields.Char(string="Database ID", readonly=True,
                           help="The database's uuid: a copy restored elsewhere gets its own.")
    check_ids = fields.One2many("fusion.billing.preflight.check", "preflight_id",
                                string="Checks", readonly=True)
    attempts = fields.Text(
        string="Refused While Running", readonly=True,
        help="What the native code tried to send out during the run, refused: nothing "
        "left the database.")
    current = fields.Boolean(
        string="Same Code as Now", compute="_compute_current",
        help="Odoo, sale_subscription and this module are the versions the run checked, "
        "on this database.")
    changed = fields.Char(string="Changed Since", compute="_compute_current")

    @api.depends("run_date", "state")
    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "Pre-flight of %(date)s", date=fields.Datetime.to_string(run.run_date)
            ) if run.run_date else self.env._("Pre-flight")

    @api.depends(*rules.FINGERPRINT_FIELDS)
    def _compute_current(self):
        now = self._fc_environment()
        for run in self:
            changed = rules.changed_fields(run._fc_fingerprint(), now)
            run.current = not changed
            run.changed = ", ".join(
                run._fields[name]._description_string(self.env) for name in changed) or False

    # === BUSINESS METHODS === #

    @api.model
    def _fc_run(self, company=None):
        """Run the pre-flight on ``company`` (the current one by default) and keep its
        result.

        The checks run in a savepoint that is rolled back; the run is stored after it,
        in the caller's transaction. Call it from a shell on any database::

            run = env["fusion.billing.preflight"]._fc_run(env.company)
            print(run._fc_report())
            env.cr.commit()

        :rtype: fusion.billing.preflight
        """
        company = company or self.env.company
        outcomes, attempts = PreflightRun(self.env, company).run()
        locale = translator(self.env)
        return self.sudo().create({
            "user_id": self.env.uid, "company_id": company.id,
            "state": rules.verdict(outcomes), **self._fc_environment(),
            "attempts": ", ".join(f"{count} {ATTEMPTS.get(kind, kind)}"
                                  for kind, count in sorted(attempts.items())) or False,
            "check_ids": [Command.create({
                "sequence": index, "code": outcome.code,
                "name": locale.gettext(outcome.title),
                "proves": locale.gettext(rules.BY_CODE[outcome.code].proves),
                "result": outcome.result, "message": outcome.text(locale) or False,
            }) for index, outcome in enumerate(outcomes)],
        }).sudo(self.env.su)

    @api.model
    def _fc_environment(self):
        """The fingerprint of now: Odoo's release, the installed versions of
        sale_subscription and this module, the database's uuid.

        :rtype: dict
        """
        modules = self.env["ir.module.module"].sudo().search(
            [("name", "in", (MODULE, SUBSCRIPTIONS))])
        # latest_version is what is installed in the database (updated by an upgrade);
        # installed_version is the code on disk.
        versions = {module.name: module.latest_version or module.installed_version
                    for module in modules}
        return rules.fingerprint(
            release.version, versions.get(SUBSCRIPTIONS), versions.get(MODULE),
            self.env["ir.config_parameter"].sudo().get_param("database.uuid"))

    def _fc_fingerprint(self):
        self.ensure_one()
        return {name: self[name] or "" for name in rules.FINGERPRINT_FIELDS}

    @api.model
    def _fc_latest(self, company):
        """The last run on ``company`` (any result), or an empty recordset."""
        return self.sudo().search([("company_id", "=", company.id)], limit=1)

    @api.model
    def _fc_status(self, company):
        """The pre-flight status of a company, as the service and the settings show it.

        :return: ``(last run, status)``: status ``none`` (never run), ``passed``,
            ``failed``, or ``stale`` (its last run checked other versions than now's)
        :rtype: tuple
        """
        run = self._fc_latest(company)
        if not run:
            return run, "none"
        if not run.current:
            return run, "stale"
        return run, run.state

    @api.model
    def _fc_passed(self, company):
        """Whether ``company`` may go live: its last run passed, on the code running
        now. A later failure on the same code counts (something in the set-up changed)."""
        return self._fc_status(company)[1] == rules.PASSED

    def _fc_report(self):
        """The run as text, for the shell. :rtype: str"""
        self.ensure_one()
        labels = dict(RESULTS)
        lines = [
            f"Enterprise pre-flight of {self.company_id.name}, {self.run_date} UTC, "
            f"by {self.user_id.name}: {labels[self.state].upper()}",
            f"Odoo {self.odoo_version}, sale_subscription {self.subscription_version}, "
            f"{MODULE} {self.module_version}, database {self.database}",
        ]
        for check in self.check_ids.sorted("sequence"):
            line = f"[{labels[check.result].lower()}] {check.name}"
            lines.append(f"{line}: {check.message}" if check.message else line)
        if self.attempts:
            lines.append(f"Refused while running: {self.attempts}")
        return "\n".join(lines)

    def _fc_action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.display_name,
            "res_model": self._name, "res_id": self.id, "view_mode": "form",
            "target": "current",
        }


class FusionBillingPreflightCheck(models.Model):
    """One check of a pre-flight run: passed, failed with what was seen, or could not
    run and why."""

    _name = "fusion.billing.preflight.check"
    _description = "Enterprise Pre-flight Check"
    _order = "preflight_id, sequence, id"

    preflight_id = fields.Many2one("fusion.billing.preflight", required=True, index=True,
                                   ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="preflight_id.company_id", store=True)
    sequence = fields.Integer(readonly=True)
    code = fields.Char(required=True, readonly=True)
    name = fields.Char(string="Check", required=True, readonly=True)
    proves = fields.Text(string="What It Proves", readonly=True)
    result = fields.Selection(RESULTS, required=True, readonly=True)
    message = fields.Text(string="What Was Seen", readonly=True)
