# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import catalogue

USAGE_STATES = [
    ("pushed", "Pushed"),
    ("rated", "Rated"),
    ("invoiced", "Invoiced"),
]


class FusionBillingUsage(models.Model):
    """One aggregated usage push: a counter for a customer, metric and window.

    Each push is stored once: ``(service, transaction id)`` is unique, so a retried push
    never counts twice. The rating cron moves rows pushed -> rated, stamping the billing
    period it rated them in, and the invoice moves them to invoiced.
    """

    _name = "fusion.billing.usage"
    _description = "Usage Push"
    _order = "timestamp desc, id desc"
    _check_company_auto = True

    service_id = fields.Many2one(
        "fusion.billing.service", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    transaction_id = fields.Char(
        string="Transaction ID", required=True, readonly=True,
        help="The app's idempotency key for this push.",
    )
    metric_id = fields.Many2one(
        "fusion.billing.metric", required=True, index=True,
        ondelete="restrict", check_company=True,
    )
    subscription_id = fields.Many2one(
        "sale.order", index=True, ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    external_subscription_id = fields.Char(string="External Subscription ID", index=True)
    timestamp = fields.Datetime(required=True, help="When the usage happened (UTC).")
    quantity = fields.Float(digits=(20, 6), required=True, default=0.0)
    unique_key = fields.Char(help="The distinct key counted by unique-count metrics.")
    properties = fields.Json(help="The push's properties as the app sent them.")
    state = fields.Selection(USAGE_STATES, required=True, default="pushed", index=True)
    period_start = fields.Date(help="First day of the billing period this push was rated in.")
    period_end = fields.Date(help="Last day of the billing period this push was rated in.")
    rated_date = fields.Datetime(readonly=True)
    order_line_id = fields.Many2one(
        "sale.order.line", string="Usage Line", readonly=True, ondelete="set null",
    )

    _service_transaction_uniq = models.Constraint(
        "UNIQUE(service_id, transaction_id)",
        "This usage push (transaction id) has already been recorded for this service.",
    )
    # The rating cron reads the pushed rows of one subscription and metric per period.
    _pending_rating_idx = models.Index(
        "(subscription_id, metric_id, timestamp) WHERE state = 'pushed'"
    )

    @api.depends("metric_id.code", "transaction_id")
    def _compute_display_name(self):
        for usage in self:
            usage.display_name = f"{usage.metric_id.code or ''} {usage.transaction_id or ''}"

    @api.constrains("service_id", "metric_id")
    def _check_metric_service(self):
        for usage in self:
            if usage.metric_id.service_id != usage.service_id:
                raise ValidationError(self.env._(
                    "Usage of service %(service)s cannot use metric %(metric)s of another "
                    "service.", service=usage.service_id.name, metric=usage.metric_id.code,
                ))

    @api.constrains("quantity", "metric_id")
    def _check_quantity_sign(self):
        for usage in self:
            metric = usage.metric_id
            if usage.quantity < 0 and not catalogue.allows_negative(
                metric.aggregation, metric.recurring
            ):
                raise ValidationError(self.env._(
                    "Usage of %(metric)s cannot be negative: only recurring sum metrics "
                    "take signed changes.", metric=metric.code,
                ))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_rated(self):
        if any(usage.state != "pushed" for usage in self):
            raise UserError(self.env._(
                "Rated or invoiced usage cannot be deleted: it is part of a bill."
            ))

    def write(self, vals):
        # The counted facts of a rated push are frozen; only the pipeline moves it on.
        frozen = {"quantity", "metric_id", "subscription_id", "timestamp", "unique_key"}
        if frozen & set(vals) and any(usage.state != "pushed" for usage in self):
            raise UserError(self.env._("Rated or invoiced usage cannot be changed."))
        return super().write(vals)
