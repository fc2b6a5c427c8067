# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import keys, scopes

MANAGER_GROUP = "fusion_centralize_billing.group_fusion_billing_manager"


class FusionBillingService(models.Model):
    """One source application (NexaCloud, NexaDesk, ...) that bills through Odoo.

    A service authenticates with its own bearer keys, owns its metrics and customer links,
    and starts in shadow mode: Odoo computes everything and bills nothing until cutover.
    """

    _name = "fusion.billing.service"
    _description = "Billing Service"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        help="Short technical code of the service, e.g. nexacloud. Shown in webhooks.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    mode = fields.Selection(
        [("shadow", "Shadow"), ("live", "Live")],
        required=True,
        default="shadow",
        tracking=True,
        copy=False,
        help="Shadow: Odoo rates usage for reconciliation only and never posts an invoice, "
        "charges a card or emails a customer. Live: usage is billed.",
    )
    webhook_url = fields.Char(
        string="Webhook URL", tracking=True, help="HTTPS endpoint of the app that receives events."
    )
    webhook_secret = fields.Char(
        string="Webhook Signing Secret",
        copy=False,
        readonly=True,
        groups=MANAGER_GROUP,
        help="Signs every webhook (HMAC-SHA256). Copy it to the app's developers; "
        "Regenerate Secret replaces it (and the chatter records it).",
    )
    key_ids = fields.One2many("fusion.billing.service.key", "service_id", string="API Keys")
    active_key_count = fields.Integer(compute="_compute_active_key_count")
    metric_ids = fields.One2many("fusion.billing.metric", "service_id", string="Metrics")
    account_link_ids = fields.One2many(
        "fusion.billing.account.link", "service_id", string="Customers"
    )
    note = fields.Html()
    api_log_days = fields.Integer(
        string="Keep API Log (days)", default=30, tracking=True,
        help="How long the API log keeps each call of this service (route, method, status, "
        "latency, key prefix, error code; never a body or a key). 0: calls are not logged.",
    )

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "A service with this code already exists in this company."
    )
    _api_log_days_positive = models.Constraint(
        "CHECK(api_log_days >= 0)", "The API log cannot be kept for a negative number of days."
    )

    # === COMPUTE METHODS === #

    @api.depends("key_ids.state")
    def _compute_active_key_count(self):
        for service in self:
            service.active_key_count = len(service.key_ids.filtered(lambda k: k.state == "active"))

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("webhook_secret"):
                vals["webhook_secret"] = keys.generate_webhook_secret()
        return super().create(vals_list)

    def write(self, vals):
        # The secret changes only through Regenerate Secret (which writes it as the
        # system and posts in the chatter): a secret typed or sent in by a user, even an
        # administrator, would leave no trace.
        if "webhook_secret" in vals and not self.env.su:
            raise UserError(self.env._(
                "The webhook signing secret cannot be edited: use Regenerate Secret."
            ))
        return super().write(vals)

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Archive is offered only to who may write a service (the web client offers it
        unless ``active`` is read-only): not to finance staff, who read services."""
        result = super().fields_get(allfields, attributes)
        if "active" in result and not self.browse().has_access("write"):
            result["active"]["readonly"] = True
        return result

    # === ACTION METHODS === #

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(self.env._("Only a Billing Administrator can do this."))

    def action_open_key_wizard(self):
        """Open the wizard that generates a key and shows it once."""
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Generate API Key"),
            "res_model": "fusion.billing.key.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_service_id": self.id},
        }

    def action_open_api_log(self):
        """The service's API calls, newest first."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fusion_centralize_billing.action_fusion_billing_api_log")
        action["domain"] = [("service_id", "=", self.id)]
        return action

    def action_regenerate_webhook_secret(self):
        self._check_manager()
        for service in self:
            service.sudo().webhook_secret = keys.generate_webhook_secret()
            service.message_post(body=self.env._("Webhook signing secret regenerated."))

    # === BUSINESS METHODS === #

    def _fc_subscriptions(self):
        self.ensure_one()
        return self.env["sale.order"].search([
            ("x_fc_service_id", "=", self.id), ("state", "!=", "cancel"),
        ])

    def _fc_timezone(self):
        """The time zone whose dates bound billing periods: the company's (its partner's),
        UTC when none is set. Read in one small query: on the API's hot paths the cache is
        empty, and the ORM would load whole company and partner rows for one column."""
        self.ensure_one()
        self.env["res.partner"].flush_model(["tz"])
        rows = self.env.execute_query(SQL(
            "SELECT p.tz FROM fusion_billing_service s"
            "  JOIN res_company c ON c.id = s.company_id"
            "  JOIN res_partner p ON p.id = c.partner_id"
            " WHERE s.id = %s", self.id,
        ))
        return (rows and rows[0][0]) or "UTC"

    def _generate_key(self, name, access=scopes.READ_WRITE, resources=None):
        """Create an API key for this service and return it in clear, exactly once.

        Only its index and a slow hash are stored; the caller must hand the clear key to
        the app now, as it can never be read again. Used by the key wizard and scripts.

        :param str name: a label, e.g. "production" or "rotation 2026-11"
        :param str access: ``read`` or ``read_write`` (``engine.scopes``)
        :param resources: ``fusion.billing.api.resource`` the key is limited to; none:
            every resource
        :return: the clear key
        :rtype: str
        """
        self.ensure_one()
        self._check_manager()
        clear = keys.generate_key()
        key = self.env["fusion.billing.service.key"].sudo().create({
            "service_id": self.id,
            "name": name,
            "index": keys.key_index(clear),
            "key_hash": keys.hash_key(clear),
            "access": access,
            "resource_ids": [Command.set(resources.ids if resources else [])],
        })
        self.message_post(body=self.env._("API key “%(name)s” generated: %(scope)s.",
                                          name=name, scope=key._fc_scope_text()))
        return clear
