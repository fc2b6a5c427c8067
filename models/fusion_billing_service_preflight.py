# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models

PREFLIGHT_STATES = [
    ("none", "Never Run"),
    ("passed", "Passed"),
    ("failed", "Failed"),
    ("stale", "Out of Date"),
]


class FusionBillingService(models.Model):
    """The Enterprise pre-flight on the service: its company's last run, the button that
    runs it, and one more gate of Go Live."""

    _inherit = "fusion.billing.service"

    preflight_id = fields.Many2one(
        "fusion.billing.preflight", string="Last Pre-flight", compute="_compute_preflight",
        help="The last Enterprise pre-flight run on this database for the service's company.")
    preflight_state = fields.Selection(
        PREFLIGHT_STATES, string="Enterprise Pre-flight", compute="_compute_preflight",
        help="Go Live needs a passed pre-flight on the code running now: Out of Date means "
        "Odoo, sale_subscription or this module was upgraded since (or the database is a "
        "copy).")
    preflight_date = fields.Datetime(string="Pre-flight Run On", compute="_compute_preflight")
    preflight_changed = fields.Char(string="Changed Since", compute="_compute_preflight")

    def _compute_preflight(self):
        Preflight = self.env["fusion.billing.preflight"]
        status = {company: Preflight._fc_status(company) for company in self.company_id}
        for service in self:
            run, state = status.get(service.company_id, (Preflight, "none"))
            service.update({
                "preflight_id": run, "preflight_state": state,
                "preflight_date": run.run_date, "preflight_changed": run.changed,
            })

    def action_check_enterprise_coupling(self):
        """Run the Enterprise pre-flight on the service's company (administrators), and
        show its result."""
        self.ensure_one()
        self._check_manager()
        run = self.env["fusion.billing.preflight"]._fc_run(self.company_id)
        return run._fc_action_open()

    def _fc_go_live_blockers(self, today=None):
        """Override of the dual run's gate: a service goes live (without an override) only
        with a passed pre-flight on this database since the last upgrade."""
        blockers = super()._fc_go_live_blockers(today)
        if self.mode != "live" and not self.env["fusion.billing.preflight"]._fc_passed(
                self.company_id):
            blockers.append(self.env._(
                "No passed Enterprise pre-flight on this database since the last upgrade: "
                "run Check Enterprise Coupling."))
        return blockers
