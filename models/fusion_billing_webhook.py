# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import uuid

from odoo import api, fields, models

WEBHOOK_STATES = [
    ("pending", "Pending"),
    ("retrying", "Retrying"),
    ("succeeded", "Succeeded"),
    ("dead", "Dead-lettered"),
]


class FusionBillingWebhook(models.Model):
    """Transactional outbox of lifecycle events sent to a service's app.

    A row is enqueued in the same transaction as the change it announces, so an event
    exists exactly when its change was committed. The drain cron signs and delivers it,
    backs off on failure and dead-letters it after the last attempt; it is never dropped,
    and staff can replay it. ``webhook_uuid`` is stable across attempts so the app can
    deduplicate (delivery is at least once).
    """

    _name = "fusion.billing.webhook"
    _description = "Outgoing Webhook"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    service_id = fields.Many2one(
        "fusion.billing.service", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    webhook_uuid = fields.Char(
        string="Webhook ID", required=True, readonly=True, copy=False,
        default=lambda self: str(uuid.uuid4()),
    )
    event_type = fields.Char(required=True, readonly=True, help="e.g. invoice.created")
    object_type = fields.Char(readonly=True, help="e.g. invoice")
    res_model = fields.Char(string="Related Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Related Record", model_field="res_model", readonly=True
    )
    payload = fields.Text(
        readonly=True, help="The JSON body, exactly as signed and sent on every attempt."
    )
    state = fields.Selection(WEBHOOK_STATES, required=True, default="pending", index=True)
    attempt_count = fields.Integer(readonly=True)
    next_attempt_date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    last_attempt_date = fields.Datetime(readonly=True)
    last_http_status = fields.Integer(string="Last HTTP Status", readonly=True)
    last_error = fields.Text(readonly=True)

    _webhook_uuid_uniq = models.Constraint(
        "UNIQUE(webhook_uuid)", "A webhook with this id already exists."
    )
    _attempt_count_positive = models.Constraint(
        "CHECK(attempt_count >= 0)", "The attempt count cannot be negative."
    )
    # The drain cron picks due rows in order.
    _due_idx = models.Index("(next_attempt_date) WHERE state IN ('pending', 'retrying')")

    @api.depends("event_type", "webhook_uuid")
    def _compute_display_name(self):
        for webhook in self:
            short_id = (webhook.webhook_uuid or "")[:8]
            webhook.display_name = f"{webhook.event_type or ''} ({short_id})"

    def action_replay(self):
        """Queue webhooks again (dead-lettered ones after a fix, or a delivered one the
        app lost): same id and body, a fresh attempt budget."""
        self.filtered(lambda w: w.state in ("dead", "succeeded")).write({
            "state": "pending",
            "attempt_count": 0,
            "next_attempt_date": fields.Datetime.now(),
            "last_error": False,
        })
