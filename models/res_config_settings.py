# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .fusion_billing_service_preflight import PREFLIGHT_STATES


class ResConfigSettings(models.TransientModel):
    """The Enterprise pre-flight in the settings: the company's last run and the button."""

    _inherit = "res.config.settings"

    fc_preflight_id = fields.Many2one("fusion.billing.preflight", string="Last Pre-flight",
                                      compute="_compute_fc_preflight")
    fc_preflight_state = fields.Selection(PREFLIGHT_STATES, string="Enterprise Pre-flight",
                                          compute="_compute_fc_preflight")
    fc_preflight_date = fields.Datetime(string="Pre-flight Run On",
                                        compute="_compute_fc_preflight")

    def _compute_fc_preflight(self):
        for settings in self:
            run, state = self.env["fusion.billing.preflight"]._fc_status(
                settings.company_id or self.env.company)
            settings.update({"fc_preflight_id": run, "fc_preflight_state": state,
                             "fc_preflight_date": run.run_date})

    def action_fc_check_enterprise_coupling(self):
        """Run the Enterprise pre-flight on the current company (Billing
        Administrators)."""
        self.env["fusion.billing.service"]._check_manager()
        run = self.env["fusion.billing.preflight"]._fc_run(self.env.company)
        return run._fc_action_open()
