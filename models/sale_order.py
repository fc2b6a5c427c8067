# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import usage as usage_rules
from .fusion_billing_lago_mixin import fill_missing_uuids, new_uuids


class SaleOrder(models.Model):
    """A subscription of an app (a service): its plan kept shadow-safe, and the open
    usage period. Rating and invoicing of usage live in ``sale_order_usage.py``.

    **Shadow safety.** The plan the app subscribed to is ``x_fc_plan_id``. The native
    ``plan_id`` is set from it only while the service is live: a subscription without
    ``plan_id`` is not a subscription to native Odoo (``is_subscription`` is false), so
    the native recurring invoicing, payment and mail never touch it. Going live hands the
    subscription over from the end of the period the app is still billing
    (``x_fc_live_from``); going back to shadow takes it out again.
    """

    _inherit = "sale.order"

    x_fc_service_id = fields.Many2one(
        "fusion.billing.service", string="Billing Service", index=True, copy=False,
        ondelete="restrict", check_company=True,
        help="The app this subscription belongs to; empty for subscriptions sold in Odoo.",
    )
    x_fc_external_id = fields.Char(
        string="External Subscription ID", copy=False, index=True,
        help="The subscription's id in the app (Lago's external_id).",
    )
    x_fc_lago_id = fields.Char(string="API ID", readonly=True, copy=False, index=True)
    x_fc_plan_id = fields.Many2one(
        "sale.subscription.plan", string="Billing Plan", copy=False, index=True,
        help="The plan the app subscribed to. Native Odoo sees it (as the subscription "
        "plan) only while the service is live.",
    )
    x_fc_shadow = fields.Boolean(
        string="Shadow", compute="_compute_x_fc_shadow", store=True,
        help="Billed by a service still in shadow mode: Odoo computes it for reconciliation "
        "and never posts, charges or emails anything for it.",
    )
    x_fc_usage_ids = fields.One2many("fusion.billing.usage", "subscription_id", string="Usage")
    x_fc_rated_usage_ids = fields.One2many(
        "fusion.billing.rated.usage", "subscription_id", string="Rated Usage",
    )
    x_fc_usage_start = fields.Date(
        string="Usage Period Start", copy=False,
        help="First day of the usage period not yet rated. Usage before it is rated and "
        "frozen.",
    )
    x_fc_usage_end = fields.Date(
        string="Usage Period Closes", compute="_compute_x_fc_usage_end", store=True,
        index=True,
        help="First day after the open usage period: its usage is rated on that day. "
        "For a live subscription it is the native next invoice date.",
    )
    x_fc_usage_billed = fields.Boolean(
        string="Usage Invoiced", compute="_compute_x_fc_usage_end", store=True,
        help="Whether the open period's usage goes on a native invoice (live), or is "
        "rated for reconciliation only (shadow).",
    )
    x_fc_live_from = fields.Date(
        string="Native Billing From", copy=False, readonly=True,
        help="Set when the service went live: native Odoo bills this subscription from "
        "this date; the app billed the periods before it.",
    )

    _x_fc_external_id_uniq = models.UniqueIndex(
        "(x_fc_service_id, x_fc_external_id) WHERE x_fc_external_id IS NOT NULL",
        "This external subscription id is already used for this service.",
    )

    # === COMPUTE METHODS === #

    @api.depends("x_fc_service_id.mode")
    def _compute_x_fc_shadow(self):
        for order in self:
            order.x_fc_shadow = order.x_fc_service_id.mode == "shadow"

    @api.depends(
        "x_fc_service_id", "x_fc_plan_id.billing_period_value",
        "x_fc_plan_id.billing_period_unit", "x_fc_usage_start", "x_fc_live_from", "plan_id",
        "start_date", "next_invoice_date", "end_date",
    )
    def _compute_x_fc_usage_end(self):
        for order in self:
            if not (order.x_fc_service_id and order.x_fc_plan_id and order.start_date):
                order.x_fc_usage_end = False
                order.x_fc_usage_billed = False
                continue
            end, billed = usage_rules.open_period(
                order._fc_usage_start(),
                native=bool(order.plan_id),
                live_from=order.x_fc_live_from or None,
                next_invoice_date=order.next_invoice_date or None,
                cycle=order._fc_cycle(),
                last_day=order.end_date or None,
            )
            order.x_fc_usage_end = end or False
            order.x_fc_usage_billed = billed

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        new_uuids(vals_list, "x_fc_lago_id", condition=lambda vals: vals.get("x_fc_service_id"))
        orders = super().create(vals_list)
        orders.filtered("x_fc_service_id")._fc_sync_native_plan()
        return orders

    def write(self, vals):
        result = super().write(vals)
        if {"x_fc_plan_id", "x_fc_service_id"} & set(vals):
            self.filtered("x_fc_service_id")._fc_sync_native_plan()
        return result

    def init(self):
        super().init()
        fill_missing_uuids(self.env, self._table, "x_fc_lago_id",
                           SQL("x_fc_service_id IS NOT NULL"))

    # === BUSINESS METHODS === #

    def _fc_sync_native_plan(self):
        """Write the shadow-safe native plan: the billing plan while live, none in shadow.

        Written explicitly every time (not only when it differs), so a re-run re-asserts it
        even if someone set the native plan by hand in between.
        """
        for order in self:
            live = order.x_fc_service_id.mode == "live"
            native_plan = order.x_fc_plan_id if live else self.env["sale.subscription.plan"]
            order.write({"plan_id": native_plan.id})

    def _fc_go_live(self, today):
        """Hand shadow subscriptions to native billing from the end of their running period.

        The app bills the period running today; native Odoo invoices from the next one
        (``next_invoice_date`` and ``x_fc_live_from`` set to its start), so no period is
        billed twice. Its usage up to then is still rated, for reconciliation only.
        """
        for order in self.filtered(lambda o: o.x_fc_plan_id and o.start_date):
            handover = usage_rules.handover_date(order._fc_cycle(), today)
            order.write({"x_fc_live_from": handover, "next_invoice_date": handover})
        self._fc_sync_native_plan()

    def _fc_back_to_shadow(self):
        """Take subscriptions out of native billing; usage is rated for reconciliation."""
        self.write({"x_fc_live_from": False})
        self._fc_sync_native_plan()

    def _fc_usage_start(self):
        self.ensure_one()
        return self.x_fc_usage_start or self.start_date

    def _fc_cycle(self):
        """The subscription's billing cycle, anchored on its start (shadow periods)."""
        self.ensure_one()
        plan = self.x_fc_plan_id
        return usage_rules.shadow_cycle(
            self.start_date, plan.billing_period_value or 1, plan.billing_period_unit or "month"
        )
