# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import json
import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import webhooks

WEBHOOK_STATES = [
    ("pending", "Pending"),
    ("retrying", "Retrying"),
    ("succeeded", "Delivered"),
    ("dead", "Dead-lettered"),
    ("held", "Held"),
    ("discarded", "Discarded"),
]
# The test event an administrator sends from the service form. It carries no billing
# fact, so it is delivered even while the service is in shadow mode.
TEST_EVENT = "webhook.test"
# What becomes of a held webhook: said on the webhook itself.
HELD_REASON = (
    "Held: the service is in shadow mode, so this webhook is not sent. Going live does not "
    "send held webhooks (they describe the dual run, which the app billed itself): it "
    "marks them Discarded, with the date. An administrator may still Replay one."
)
# Context key of changes that are not news to the app (the import of its own book):
# nothing is queued for them.
WEBHOOKS_MUTED = "fusion_billing_webhooks_muted"


class FusionBillingWebhook(models.Model):
    """Transactional outbox of lifecycle events sent to a service's app.

    A row is enqueued in the same transaction as the change it announces, so an event
    exists exactly when its change was committed. The drain cron
    (``fusion_billing_webhook_delivery.py``) signs and delivers it, backs off on failure
    and dead-letters it after the last attempt; it is never dropped, and staff can replay
    it. ``webhook_uuid`` is stable across attempts and replays so the app can deduplicate
    (delivery is at least once). A shadow service's webhooks are held, never sent.
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
        help="Sent as webhook-id and X-Lago-Unique-Key: the same on every attempt and "
        "replay, so the app can recognise a webhook it already processed.",
    )
    event_type = fields.Char(string="Event", required=True, readonly=True,
                             help="e.g. invoice.created")
    object_type = fields.Char(readonly=True, help="e.g. invoice")
    res_model = fields.Char(string="Related Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Related Record", model_field="res_model", readonly=True
    )
    res_name = fields.Char(string="About", compute="_compute_res_name",
                           help="The record the webhook announces (subscription, invoice...).")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, index="btree_not_null",
        help="The customer the webhook is about, when it is about one.")
    payload = fields.Text(
        readonly=True, help="The JSON body, exactly as signed and sent on every attempt."
    )
    payload_pretty = fields.Text(
        string="Body", compute="_compute_payload_pretty",
        help="The body laid out for reading; the bytes sent are the copied ones.")
    state = fields.Selection(
        WEBHOOK_STATES, required=True, default="pending", index=True, readonly=True,
        help="Held: queued while the service is in shadow mode, never sent; going live "
        "marks held webhooks Discarded (not sent), and an administrator may replay one. "
        "Dead-lettered: every attempt failed; replay it once the app is fixed.")
    attempt_count = fields.Integer(string="Attempts", readonly=True, default=0)
    next_attempt_date = fields.Datetime(string="Next Attempt", default=fields.Datetime.now,
                                        readonly=True)
    last_attempt_date = fields.Datetime(string="Last Attempt", readonly=True)
    last_http_status = fields.Integer(string="Last HTTP Status", readonly=True)
    last_error = fields.Text(readonly=True)
    delivered_date = fields.Datetime(string="Delivered On", readonly=True)
    attempt_ids = fields.One2many("fusion.billing.webhook.attempt", "webhook_id",
                                  string="Attempts History", readonly=True)

    _webhook_uuid_uniq = models.Constraint(
        "UNIQUE(webhook_uuid)", "A webhook with this id already exists."
    )
    _attempt_count_positive = models.Constraint(
        "CHECK(attempt_count >= 0)", "The attempt count cannot be negative."
    )
    # The drain cron takes the first due rows in (next attempt, id) order: with both
    # columns indexed it reads only the rows it leases, however long the queue.
    _due_order_idx = models.Index(
        "(next_attempt_date, id) WHERE state IN ('pending', 'retrying')")

    @api.depends("event_type", "service_id")
    def _compute_display_name(self):
        for webhook in self:
            webhook.display_name = f"{webhook.event_type or ''} to {webhook.service_id.name}" \
                if webhook.service_id else webhook.event_type or ""

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for webhook in self:
            record = webhook.res_model in self.env and webhook.res_id and \
                self.env[webhook.res_model].sudo().browse(webhook.res_id).exists()
            webhook.res_name = record.display_name if record else False

    @api.depends("payload")
    def _compute_payload_pretty(self):
        for webhook in self:
            try:
                webhook.payload_pretty = json.dumps(json.loads(webhook.payload), indent=2,
                                                    ensure_ascii=False)
            except (TypeError, ValueError):
                webhook.payload_pretty = webhook.payload

    # === BUSINESS METHODS === #

    @api.model
    def _fc_enqueue(self, service, event_type, record, object_type=None, obj=None):
        """Queue one event for ``service``'s app, in the caller's transaction.

        The body is built now, from the record as this transaction leaves it, and never
        rebuilt: every attempt and replay sends the same bytes.

        :param str event_type: e.g. ``invoice.created``
        :param record: the record announced; its ``_fc_webhook_object()`` gives the object
            type and the API's serialisation unless ``object_type`` and ``obj`` are given
        :rtype: fusion.billing.webhook
        """
        if self.env.context.get(WEBHOOKS_MUTED):
            return self.browse()
        if obj is None:
            object_type, obj = record._fc_webhook_object()
        payload = webhooks.body(webhooks.envelope(event_type, object_type,
                                                  service.lago_id, obj))
        held = service.mode == "shadow" and event_type != TEST_EVENT
        partner = record["partner_id"] if record and "partner_id" in record._fields else None
        return self.sudo().create({
            "partner_id": partner.id if partner else False,
            "service_id": service.id,
            "event_type": event_type,
            "object_type": object_type,
            "res_model": record._name if record else False,
            "res_id": record.id if record else False,
            "payload": payload,
            "state": "held" if held else "pending",
            "last_error": HELD_REASON if held else False,
        })

    # === ACTION METHODS === #

    def action_replay(self):
        """Send webhooks again, with the same id and body and a fresh attempt budget:
        dead-lettered ones after the app was fixed, or delivered ones the app lost. The
        attempt history is kept."""
        shadow = self.filtered(lambda w: w.service_id.mode == "shadow"
                               and w.event_type != TEST_EVENT)
        if shadow:
            raise UserError(self.env._(
                "%(service)s is in shadow mode: its webhooks are held and cannot be sent "
                "until it goes live.", service=shadow[0].service_id.name))
        self.filtered(lambda w: w.state in ("dead", "succeeded", "held", "retrying",
                                            "discarded")).write({
            "state": "pending",
            "attempt_count": 0,
            "next_attempt_date": fields.Datetime.now(),
            "last_error": False,
        })
        self.env.ref("fusion_centralize_billing.ir_cron_fusion_billing_deliver_webhooks")\
            .sudo()._trigger()
        return True


class FusionBillingWebhookAttempt(models.Model):
    """One delivery attempt of a webhook, kept for the people reading why it failed."""

    _name = "fusion.billing.webhook.attempt"
    _description = "Webhook Delivery Attempt"
    _order = "attempt_date desc, id desc"

    webhook_id = fields.Many2one("fusion.billing.webhook", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    attempt_date = fields.Datetime(string="Attempted On", required=True, readonly=True)
    http_status = fields.Integer(string="HTTP Status", readonly=True)
    duration_ms = fields.Integer(string="Latency (ms)", readonly=True)
    outcome = fields.Selection([
        (webhooks.SUCCEEDED, "Delivered"),
        (webhooks.RETRY, "Failed"),
        (webhooks.GONE, "Endpoint Gone"),
    ], readonly=True)
    response_excerpt = fields.Text(string="Response", readonly=True)
    error = fields.Text(readonly=True)
