# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from ..engine import catalogue
from ..engine.pricing import words

USAGE_STATES = [
    ("pushed", "Pushed"),
    ("rated", "Rated"),
    ("invoiced", "Invoiced"),
]


class FusionBillingUsage(models.Model):
    """One aggregated usage push: a counter for a customer, metric and window.

    A push is identified as in Lago by ``(service, external subscription id, transaction
    id)``: a retried push is stored once. A changed re-push of the same key follows the
    metric's replay policy (overwrite, keeping the previous figure and a revision count,
    or reject). The rating moves rows pushed -> rated, stamping the period and the rated
    usage line that priced them, and the invoice moves them to invoiced. Rows are written
    by :meth:`_ingest` (``fusion_billing_usage_ingest.py``) in bulk SQL.
    """

    _name = "fusion.billing.usage"
    _description = "Usage Push"
    _inherit = ["fusion.billing.lago.mixin", "fusion.billing.per.metric.mixin"]
    _order = "timestamp desc, id desc"
    _check_company_auto = True

    # Few indexes on purpose: every index is written by every push (the API's hot path).
    # service_id and subscription_id lead composite indexes below; company, metric and
    # state are too unselective to pay for themselves.
    service_id = fields.Many2one(
        "fusion.billing.service", required=True, ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True)
    transaction_id = fields.Char(
        string="Transaction ID", required=True, readonly=True,
        help="The app's idempotency key for this push, unique per subscription.",
    )
    metric_id = fields.Many2one(
        "fusion.billing.metric", required=True,
        ondelete="restrict", check_company=True,
    )
    unit_name = fields.Char(related="metric_id.unit_name", string="Unit Name")
    unit_label = fields.Char(string="Unit", compute="_compute_unit_label",
                             help="The metric's unit, in the plural where the quantity takes it.")
    subscription_id = fields.Many2one(
        "sale.order", ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    external_subscription_id = fields.Char(
        string="External Subscription ID", required=True, readonly=True,
    )
    timestamp = fields.Datetime(required=True, help="When the usage happened (UTC).")
    # No group sum: pushes of a peak, a last value or a unique count do not add up to
    # anything billed (Usage by Period aggregates them as their metric says).
    quantity = fields.Float(digits=(20, 6), required=True, default=0.0, aggregator=None)
    unique_key = fields.Char(help="The distinct key counted by unique-count metrics.")
    properties = fields.Json(help="The push's properties as the app sent them.")
    revision = fields.Integer(
        readonly=True, default=0,
        help="How many times the app re-pushed this window with a different figure.",
    )
    previous_quantity = fields.Float(
        digits=(20, 6), readonly=True,
        help="The figure this push replaced at its last revision.",
    )
    previous_timestamp = fields.Datetime(readonly=True)
    revised_date = fields.Datetime(string="Last Revised", readonly=True)
    state = fields.Selection(USAGE_STATES, required=True, default="pushed")
    period_start = fields.Date(help="First day of the billing period this push was rated in.")
    period_end = fields.Date(help="Last day of the billing period this push was rated in.")
    rated_date = fields.Datetime(readonly=True)
    rated_usage_id = fields.Many2one(
        "fusion.billing.rated.usage", string="Rated In", readonly=True, index="btree_not_null",
        ondelete="restrict",
    )
    invoice_line_id = fields.Many2one(related="rated_usage_id.invoice_line_id")
    lago_id = fields.Char(index=False)  # events are found by transaction id, not by this

    _fc_per_metric_fields = ("quantity", "previous_quantity")

    _service_subscription_transaction_uniq = models.Constraint(
        "UNIQUE(service_id, external_subscription_id, transaction_id)",
        "This usage push (transaction id) has already been recorded for this subscription.",
    )
    # Aggregation reads the rows of one subscription per period, by time.
    _subscription_time_idx = models.Index("(subscription_id, timestamp)")
    # GET /events/{transaction_id} finds the first push of a transaction id in a service.
    _service_transaction_idx = models.Index("(service_id, transaction_id)")

    @api.depends("metric_id.name", "metric_id.unit_name", "quantity", "timestamp")
    def _compute_display_name(self):
        for usage in self:
            usage.display_name = self.env._(
                "%(metric)s: %(quantity)s, %(when)s",
                metric=usage.metric_id.name or "",
                quantity=words.amount_of(str(usage.quantity), usage.metric_id.unit_name),
                when=format_date(self.env, usage.timestamp),
            )

    @api.depends("metric_id.unit_name", "quantity")
    def _compute_unit_label(self):
        for usage in self:
            usage.unit_label = words.units(usage.metric_id.unit_name, str(usage.quantity))

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

    def _fc_api_values_many(self, known=None):
        """:meth:`_fc_api_values` of many rows in one query (the batch API's hot path).

        :param dict known: values already known by id (rows a batch just created)
        :return: values in the order of ``self``
        :rtype: list
        """
        known = known or {}
        missing = [usage_id for usage_id in self.ids if usage_id not in known]
        if not missing:
            return [known[usage_id] for usage_id in self.ids]
        self.env.flush_all()
        rows = self.env.execute_query_dict(SQL(
            """
            SELECT u.id, u.lago_id, u.transaction_id, m.code, u.timestamp, u.properties,
                   u.external_subscription_id, u.create_date AS created_at,
                   o.x_fc_lago_id AS lago_subscription_id, l.lago_id AS lago_customer_id
              FROM fusion_billing_usage u
              JOIN fusion_billing_metric m ON m.id = u.metric_id
              LEFT JOIN sale_order o ON o.id = u.subscription_id
              LEFT JOIN fusion_billing_account_link l ON l.id = o.x_fc_account_link_id
             WHERE u.id = ANY(%s)
            """,
            missing,
        ))
        by_id = {row.pop("id"): row for row in rows}
        by_id.update(known)
        return [by_id[usage_id] for usage_id in self.ids]

    def _fc_api_values(self):
        """What ``engine.serializers.event`` needs."""
        self.ensure_one()
        return self._fc_api_values_many()[0]
