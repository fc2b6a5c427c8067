# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class FusionBillingGoLiveWizard(models.TransientModel):
    """The Go Live dialog: the service's readiness, what stands in the way, and an
    override that needs a reason (kept with the decision and in the chatter)."""

    _name = "fusion.billing.go.live.wizard"
    _description = "Go Live"

    service_id = fields.Many2one("fusion.billing.service", required=True, readonly=True)
    currency_id = fields.Many2one(related="service_id.currency_id")
    ready = fields.Boolean(compute="_compute_gate")
    blockers = fields.Text(string="What Stands in the Way", compute="_compute_gate")
    matched_share = fields.Float(related="service_id.readiness_matched_share")
    ready_subscriptions = fields.Integer(related="service_id.readiness_ready_subscriptions")
    subscriptions = fields.Integer(related="service_id.readiness_subscriptions")
    difference = fields.Monetary(related="service_id.readiness_difference")
    override = fields.Boolean(string="Go Live Anyway")
    reason = fields.Text(help="Why the service goes live without being ready: kept with "
                         "the decision and in the chatter.")

    @api.depends("service_id")
    def _compute_gate(self):
        for wizard in self:
            blockers = wizard.service_id._fc_go_live_blockers() if wizard.service_id else []
            wizard.ready = not blockers
            wizard.blockers = "\n".join(blockers)

    def action_go_live(self):
        self.ensure_one()
        self.service_id._fc_go_live(reason=self.reason if self.override else None)
        return {"type": "ir.actions.act_window_close"}
