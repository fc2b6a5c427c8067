# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A service's webhook endpoint: its checks, secret rotation, disabling and test event."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import keys, serializers, webhooks
from .fusion_billing_service import MANAGER_GROUP
from .fusion_billing_webhook import TEST_EVENT
from .fusion_billing_webhook_delivery import private_endpoints_allowed, resolve

DISCARDED_REASON = (
    "Discarded at go-live on %(date)s: held while the service was in shadow mode, never sent."
    " Replay it to send it now."
)
ENDPOINT_PROBLEMS = {
    "https_required": "The webhook URL must start with https://.",
    "invalid_url": "The webhook URL is not a valid address (a host, no user or password).",
    "host_not_found": "The webhook URL's host name does not resolve.",
    "private_address": "The webhook URL resolves to a loopback, private or link-local "
    "address, which webhooks may not call.",
}


class FusionBillingService(models.Model):
    _name = "fusion.billing.service"
    _inherit = ["fusion.billing.service", "fusion.billing.lago.mixin"]

    webhook_previous_secret = fields.Char(
        string="Previous Signing Secret", copy=False, groups=MANAGER_GROUP, readonly=True,
        help="Still signs webhooks (a second signature) until the overlap ends, so the app "
        "can deploy the new secret without refusing webhooks meanwhile.",
    )
    webhook_previous_secret_expiry = fields.Datetime(
        string="Previous Secret Valid Until", copy=False, groups=MANAGER_GROUP, readonly=True,
    )
    webhook_disabled_date = fields.Datetime(
        string="Webhooks Disabled On", copy=False, readonly=True, tracking=True,
        help="Set when the app answered 410 Gone: nothing is sent until an administrator "
        "enables webhooks again. Queued webhooks wait meanwhile.",
    )
    webhook_dead_count = fields.Integer(string="Dead Webhooks",
                                        compute="_compute_webhook_dead_count")

    def _compute_webhook_dead_count(self):
        counts = dict(self.env["fusion.billing.webhook"]._read_group(
            [("service_id", "in", self.ids), ("state", "=", "dead")],
            ["service_id"], ["__count"]))
        for service in self:
            service.webhook_dead_count = counts.get(service, 0)

    @api.constrains("webhook_url")
    def _check_webhook_url(self):
        allow_private = private_endpoints_allowed(self.env)
        for service in self.filtered("webhook_url"):
            problem = webhooks.endpoint_problem(service.webhook_url, resolve, allow_private)
            # A name that does not resolve yet is accepted (the app's DNS may come
            # later); each delivery checks it again and fails while it does not.
            if problem and problem != "host_not_found":
                raise ValidationError(self.env._(
                    "%(sentence)s (%(code)s)", sentence=ENDPOINT_PROBLEMS[problem],
                    code=problem))

    # === ACTION METHODS === #

    def action_regenerate_webhook_secret(self):
        """Replace the signing secret; the old one keeps signing (a second signature in
        webhook-signature) for the overlap, then stops."""
        self._check_manager()
        until = fields.Datetime.now() + webhooks.SECRET_ROTATION_OVERLAP
        for service in self.sudo():
            service.write({
                "webhook_previous_secret": service.webhook_secret,
                "webhook_previous_secret_expiry": until if service.webhook_secret else False,
                "webhook_secret": keys.generate_webhook_secret(),
            })
            service.message_post(body=self.env._(
                "Webhook signing secret regenerated. The previous secret also signs "
                "webhooks until %(until)s UTC.", until=fields.Datetime.to_string(until)))

    def action_enable_webhooks(self):
        self._check_manager()
        for service in self.filtered("webhook_disabled_date"):
            service.webhook_disabled_date = False
            service.message_post(body=self.env._("Webhook delivery enabled again."))
        self.env.ref("fusion_centralize_billing.ir_cron_fusion_billing_deliver_webhooks")\
            .sudo()._trigger()

    def action_send_test_webhook(self):
        """Queue a ``webhook.test`` event and drain soon: the app's developers see a
        signed body arrive (even in shadow mode: it bills nothing)."""
        self._check_manager()
        self.ensure_one()
        webhook = self.env["fusion.billing.webhook"]._fc_enqueue(
            self, TEST_EVENT, self.env["fusion.billing.webhook"], object_type="webhook_test",
            obj={"service_code": self.code, "sent_at": serializers.iso(fields.Datetime.now())})
        self.env.ref("fusion_centralize_billing.ir_cron_fusion_billing_deliver_webhooks")\
            .sudo()._trigger()
        return {
            "type": "ir.actions.act_window", "res_model": "fusion.billing.webhook",
            "res_id": webhook.id, "view_mode": "form", "target": "current",
        }

    def action_view_dead_webhooks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fusion_centralize_billing.action_fusion_billing_webhook")
        action["domain"] = [("service_id", "=", self.id)]
        action["context"] = {"search_default_dead": 1}
        return action

    # === BUSINESS METHODS === #

    def _fc_signing_secrets(self):
        """The secrets that sign a webhook now: the current one, then the previous one
        while its overlap lasts."""
        self.ensure_one()
        service = self.sudo()
        if not service.webhook_secret:
            return []
        secrets = [service.webhook_secret]
        expiry = service.webhook_previous_secret_expiry
        if service.webhook_previous_secret and expiry and expiry > fields.Datetime.now():
            secrets.append(service.webhook_previous_secret)
        return secrets

    def _fc_discard_held_webhooks(self):
        """Going live: the webhooks held while the service was in shadow mode are never
        sent on their own (they announce the dual run, which the app billed itself, and
        would reach it late and out of order). They are marked Discarded, with the date,
        and kept: an administrator may still replay one. The chatter says how many.

        :return: the webhooks discarded
        """
        Webhook = self.env["fusion.billing.webhook"].sudo()
        discarded = Webhook
        for service in self:
            held = Webhook.search([("service_id", "=", service.id), ("state", "=", "held")])
            if not held:
                continue
            held.write({"state": "discarded", "last_error": DISCARDED_REASON % {
                "date": fields.Date.to_string(fields.Date.context_today(service))}})
            service.message_post(body=self.env._(
                "%(count)s webhooks held in shadow mode were discarded at go-live, not sent. "
                "They stay in the Webhook Queue, where an administrator may replay one.",
                count=len(held)))
            discarded |= held
        return discarded

    def _fc_disable_webhooks(self, answer):
        """The app answered 410 Gone: stop sending and tell the administrators."""
        self.ensure_one()
        self.webhook_disabled_date = fields.Datetime.now()
        managers = self.env.ref(MANAGER_GROUP).sudo().all_user_ids.partner_id
        self.message_post(
            body=self.env._(
                "The app answered 410 Gone at %(url)s: webhook delivery is disabled. "
                "Queued webhooks wait; fix the endpoint, then click Enable Webhooks.",
                url=self.webhook_url),
            partner_ids=managers.ids, message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
