# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class FusionBillingCutover(models.Model):
    """A Go Live or Back to Shadow decision, kept with the readiness it was taken on."""

    _name = "fusion.billing.cutover"
    _description = "Cutover Decision"
    _order = "decided_on desc, id desc"
    _check_company_auto = True

    service_id = fields.Many2one("fusion.billing.service", required=True, index=True,
                                 readonly=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="service_id.company_id", store=True)
    decision = fields.Selection([("live", "Go Live"), ("shadow", "Back to Shadow")],
                                required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Decided By", required=True,
                              readonly=True)
    decided_on = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    ready = fields.Boolean(string="Ready Then", readonly=True)
    override_reason = fields.Text(readonly=True,
                                  help="Why the service went live without being ready.")
    blockers = fields.Text(string="Not Ready Because", readonly=True)
    readiness = fields.Json(string="Readiness Snapshot", readonly=True)
    subscription_count = fields.Integer(string="Subscriptions Handed Over", readonly=True)
    card_count = fields.Integer(string="With the App's Card", readonly=True)
    first_handover = fields.Date(string="Native Billing From", readonly=True,
                                 help="The earliest date native Odoo bills one of them.")
