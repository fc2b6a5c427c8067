# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import usage as usage_rules
from .fusion_billing_lago_mixin import fill_missing_uuids, new_uuids

# Billing facts of an app subscription that only the system writes: the rating (usage
# period), the API and the import (service, ids, customer, plan), go-live and back to
# shadow (native billing from, native plan), and the Change Plan action. They are
# read-only in every view (``_get_view``) and a change by anyone else is refused
# (``_fc_check_system_fields``). The system writes them as the superuser (``sudo()``):
# a context flag would not do, since any RPC caller can send one.
SYSTEM_FIELDS = (
    "x_fc_service_id", "x_fc_external_id", "x_fc_lago_id", "x_fc_account_link_id",
    "x_fc_plan_id", "x_fc_previous_plan_id", "x_fc_usage_start", "x_fc_usage_end",
    "x_fc_usage_billed", "x_fc_shadow", "x_fc_live_from",
)
# Native fields that are billing facts on app subscriptions only: the native plan follows
# the billing plan and the service's mode (shadow safety).
NATIVE_SYSTEM_FIELDS = ("plan_id",)


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
        string="External Subscription ID", copy=False, index=True, tracking=True,
        help="The subscription's id in the app (Lago's external_id).",
    )
    x_fc_lago_id = fields.Char(string="API ID", readonly=True, copy=False, index=True)
    x_fc_plan_id = fields.Many2one(
        "sale.subscription.plan", string="Billing Plan", copy=False, index=True,
        tracking=True,
        help="The plan the app subscribed to. Native Odoo sees it (as the subscription "
        "plan) only while the service is live. Changed by the app (the API) or by an "
        "administrator with Change Plan.",
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
        string="Usage Period Start", copy=False, readonly=True,
        help="First day of the usage period not yet rated, moved on by the rating. Usage "
        "before it is rated and frozen.",
    )
    x_fc_rated_until = fields.Date(
        string="Rated Until", compute="_compute_x_fc_rated_until",
        help="First day after the last rated period: the open period never starts before "
        "it, whatever the period fields say, so no usage is rated twice.",
    )
    x_fc_usage_end = fields.Date(
        string="Usage Period Closes", compute="_compute_x_fc_usage_end", store=True,
        index=True,
        help="First day after the open usage period: its usage is rated on that day. "
        "For a live subscription it is the native next invoice date.",
    )
    x_fc_usage_billed = fields.Boolean(
        string="Goes on an Invoice", compute="_compute_x_fc_usage_end", store=True,
        help="Whether the open period's usage will go on a native invoice when the period "
        "closes (live), or is rated for reconciliation only (shadow). Nothing of it is "
        "invoiced yet.",
    )
    x_fc_usage_last_day = fields.Date(
        string="Usage Period End", compute="_compute_x_fc_usage_last_day",
        help="Last day of the open usage period; it is rated the day after.",
    )
    x_fc_usage_destination = fields.Char(
        string="Open Period Goes To", compute="_compute_x_fc_usage_last_day",
        help="Where the open period's usage goes once it closes.",
    )
    x_fc_calendar = fields.Boolean(
        string="Billed on the Calendar", copy=False,
        help="Its periods are calendar months (quarters, years, weeks from Monday), the "
        "first one from its start: a subscription that came over from Lago billed on the "
        "calendar. Others run from their start date.",
    )
    x_fc_live_from = fields.Date(
        string="Native Billing From", copy=False, readonly=True, tracking=True,
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

    @api.depends("x_fc_rated_usage_ids.period_end")
    def _compute_x_fc_rated_until(self):
        # The system's own record of what is rated, read whatever the user may read.
        groups = self.env["fusion.billing.rated.usage"].sudo()._read_group(
            [("subscription_id", "in", self.ids)], ["subscription_id"], ["period_end:max"])
        last_days = {order.id: last_day for order, last_day in groups}
        for order in self:
            last_day = last_days.get(order.id)
            order.x_fc_rated_until = usage_rules.day_after(last_day) if last_day else False

    @api.depends(
        "x_fc_service_id", "x_fc_plan_id.billing_period_value",
        "x_fc_plan_id.billing_period_unit", "x_fc_usage_start", "x_fc_live_from", "plan_id",
        "x_fc_calendar",
        "start_date", "next_invoice_date", "end_date", "x_fc_rated_until",
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

    @api.depends("x_fc_usage_end", "x_fc_usage_billed")
    def _compute_x_fc_usage_last_day(self):
        for order in self:
            end = order.x_fc_usage_end
            order.x_fc_usage_last_day = end - timedelta(days=1) if end else False
            if not order.x_fc_service_id:
                order.x_fc_usage_destination = False
            elif order.x_fc_usage_billed:
                order.x_fc_usage_destination = self.env._("The invoice, when it closes")
            else:
                order.x_fc_usage_destination = self.env._(
                    "The reconciliation only (shadow): never invoiced")

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get(name) for vals in vals_list
                                   for name in SYSTEM_FIELDS):
            raise UserError(self.env._(
                "Subscriptions of the apps are created by the billing API or the import, "
                "not by hand."))
        new_uuids(vals_list, "x_fc_lago_id", condition=lambda vals: vals.get("x_fc_service_id"))
        orders = super().create(vals_list)
        orders.filtered("x_fc_service_id")._fc_sync_native_plan()
        return orders

    def write(self, vals):
        self._fc_check_system_fields(vals)
        result = super().write(vals)
        if {"x_fc_plan_id", "x_fc_service_id"} & set(vals):
            self.filtered("x_fc_service_id")._fc_sync_native_plan()
        return result

    def init(self):
        result = super().init()
        fill_missing_uuids(self.env, self._table, "x_fc_lago_id",
                           SQL("x_fc_service_id IS NOT NULL"))
        return result

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """Billing facts are read-only in every view of a subscription, ours and native
        ones alike (the Enterprise form shows the native plan)."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type in ("form", "list"):
            for node in arch.xpath("//field[not(ancestor::field)]"):
                name = node.get("name")
                if name in SYSTEM_FIELDS:
                    node.set("readonly", "1")
                elif name in NATIVE_SYSTEM_FIELDS and node.get("readonly") not in ("1", "True"):
                    existing = node.get("readonly")
                    node.set("readonly", f"x_fc_service_id or ({existing})" if existing
                             else "x_fc_service_id")
        return arch, view

    # === BUSINESS METHODS === #

    def _fc_check_system_fields(self, vals):
        """Refuse a change of a billing fact by anyone but the system (see SYSTEM_FIELDS).

        Writing the value a field already holds is no change (native code and forms may
        send it back)."""
        if self.env.su:
            return
        names = [name for name in (*SYSTEM_FIELDS, *NATIVE_SYSTEM_FIELDS) if name in vals]
        for order in self if names else ():
            changed = [
                order._fields[name]._description_string(self.env) for name in names
                if (name in SYSTEM_FIELDS or order.x_fc_service_id)
                and order._fc_differs(name, vals[name])
            ]
            if changed:
                raise UserError(self.env._(
                    "%(fields)s of %(order)s are kept by the billing system (the rating, the "
                    "billing API, the import and going live) and cannot be changed by hand. "
                    "To move the subscription to another plan, use Change Plan.",
                    fields=", ".join(changed), order=order.display_name,
                ))

    def _fc_differs(self, name, value):
        field = self._fields[name]
        return field.convert_to_record(field.convert_to_cache(value, self), self) != self[name]

    def _fc_sync_native_plan(self):
        """Write the shadow-safe native plan: the billing plan while live, none in shadow.

        Written explicitly every time (not only when it differs), so a re-run re-asserts it
        even if someone set the native plan by hand in between.
        """
        for order in self:
            live = order.x_fc_service_id.mode == "live"
            native_plan = order.x_fc_plan_id if live else self.env["sale.subscription.plan"]
            order.sudo().write({"plan_id": native_plan.id})

    def _fc_go_live(self, today):
        """Hand shadow subscriptions to native billing from the end of their running period.

        The app bills the period running today; native Odoo invoices from the next one
        (``next_invoice_date`` and ``x_fc_live_from`` set to its start), so no period is
        billed twice. Its usage up to then is still rated, for reconciliation only.
        """
        for order in self.filtered(lambda o: o.x_fc_plan_id and o.start_date):
            handover = usage_rules.handover_date(order._fc_cycle(), today, order.start_date)
            order.sudo().write({"x_fc_live_from": handover, "next_invoice_date": handover})
        self._fc_sync_native_plan()

    def _fc_back_to_shadow(self):
        """Take subscriptions out of native billing; usage is rated for reconciliation."""
        self.sudo().write({"x_fc_live_from": False})
        self._fc_sync_native_plan()

    def _fc_usage_start(self):
        """First day of the open usage period: never before the day after the last rated
        period (defence in depth: whatever the period fields say, nothing is rated twice).
        """
        self.ensure_one()
        start = self.x_fc_usage_start or self.start_date
        rated_until = self.x_fc_rated_until
        return max(start, rated_until) if start and rated_until else start

    def _fc_cycle(self):
        """The subscription's billing cycle, anchored on its start (shadow periods)."""
        self.ensure_one()
        plan = self.x_fc_plan_id
        return usage_rules.shadow_cycle(
            self.start_date, plan.billing_period_value or 1, plan.billing_period_unit or "month",
            calendar=self.x_fc_calendar,
        )
