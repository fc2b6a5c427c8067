# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The subscriptions of the billing API: subscribe, change plan, terminate, read."""

from datetime import UTC, datetime, timedelta

from odoo import Command, api, fields, models

from ..engine import serializers
from ..engine.errors import NotFound, ValidationFailure
from ..engine.periods import local_date


class SaleOrder(models.Model):
    _inherit = "sale.order"

    x_fc_account_link_id = fields.Many2one(
        "fusion.billing.account.link", string="App Customer", index="btree_not_null",
        copy=False, ondelete="restrict",
    )
    x_fc_name = fields.Char(string="Name in the App", copy=False)
    x_fc_previous_plan_id = fields.Many2one(
        "sale.subscription.plan", string="Previous Billing Plan", copy=False, readonly=True,
    )
    x_fc_terminated_at = fields.Datetime(
        string="Terminated On", copy=False, readonly=True,
        help="When the app terminated the subscription (the API's DELETE): usage after "
        "this instant is refused; the usage before it goes on the last invoice.",
    )

    @api.model
    def _fc_api_find(self, service, external_id, statuses=None):
        """The service's subscription of that external id, if its status is one of
        ``statuses`` (any status when ``None``).

        :raise NotFound: subscription_not_found
        """
        order = self.search([("x_fc_service_id", "=", service.id),
                             ("x_fc_external_id", "=", external_id)], limit=1)
        if not order or (statuses is not None
                         and order._fc_api_status(order._fc_today()) not in statuses):
            raise NotFound("subscription")
        return order

    @api.model
    def _fc_api_plan(self, service, code):
        """:raise NotFound: plan_not_found"""
        plan = self.env["sale.subscription.plan"].search(
            [("x_fc_service_id", "=", service.id), ("x_fc_plan_code", "=", code)], limit=1)
        if not plan:
            raise NotFound("plan")
        return plan

    @api.model
    def _fc_api_subscribe(self, service, values, today):
        """Create the subscription, return it when it exists with that plan, or change
        its plan (Lago's upgrade and downgrade are both an immediate plan change here).

        Shadow-safe: the subscription is created with its billing plan only; the native
        plan follows the service's mode (``_fc_sync_native_plan``).

        :param dict values: checked by ``engine.api_input.subscription_input``
        :raise NotFound: customer_not_found, plan_not_found
        """
        link = self.env["fusion.billing.account.link"]._fc_api_find(
            service, values["external_customer_id"])
        plan = self._fc_api_plan(service, values["plan_code"])
        existing = self.search([("x_fc_service_id", "=", service.id),
                                ("x_fc_external_id", "=", values["external_id"])], limit=1)
        if existing:
            if existing.x_fc_account_link_id != link:
                raise ValidationFailure({"external_id": ["value_already_exist"]})
            existing._fc_change_plan(plan)
            return existing
        order = self.create(self._fc_subscription_values(service, link, plan, values, today))
        order.action_confirm()
        return order

    def _fc_change_plan(self, plan):
        """Move the subscription to another plan of its service, at once: the API's plan
        change (Lago's upgrade and downgrade) and the back end's Change Plan.

        The open usage period is rated with the new plan's charges when it closes; the
        native plan follows the service's mode (``_fc_sync_native_plan``); the chatter
        tracks it and the app gets ``subscription.updated`` (held in shadow). Written as
        the system: the plan is a billing fact (``sale_order.SYSTEM_FIELDS``). The
        subscription's lines are not changed.
        """
        self.ensure_one()
        if plan == self.x_fc_plan_id:
            return
        if plan.x_fc_service_id != self.x_fc_service_id:
            raise NotFound("plan")
        self.sudo().write({"x_fc_previous_plan_id": self.x_fc_plan_id.id,
                           "x_fc_plan_id": plan.id})

    def action_fc_change_plan(self):
        """Open Change Plan (Billing Administrators)."""
        self.ensure_one()
        self.x_fc_service_id._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Plan"),
            "res_model": "fusion.billing.change.plan",
            "view_mode": "form",
            "target": "new",
            "context": {"default_subscription_id": self.id},
        }

    @api.model
    def _fc_subscription_values(self, service, link, plan, values, today, price_unit=None):
        """Create values of a new app subscription (the API's and the import's).

        Shadow-safe: only the billing plan is given; the native plan follows the
        service's mode on create (``_fc_sync_native_plan``).

        :param dict values: ``external_id``, and optionally ``subscription_at``,
            ``ending_at``, ``name``
        :param float price_unit: the plan line's price; the plan product's by default
        :rtype: dict
        """
        line = {"product_id": plan.x_fc_product_id.id}
        if price_unit is not None:
            line["price_unit"] = price_unit
        return {
            "partner_id": link.partner_id.id,
            "company_id": service.company_id.id,
            "x_fc_service_id": service.id,
            "x_fc_external_id": values["external_id"],
            "x_fc_account_link_id": link.id,
            "x_fc_plan_id": plan.id,
            "x_fc_name": values.get("name"),
            "start_date": values.get("subscription_at") or today,
            "end_date": values.get("ending_at"),
            "order_line": [Command.create(line)] if plan.x_fc_product_id else [],
        }

    def _fc_api_update(self, values):
        """Rename, or set or remove the last day (not before the first: ``invalid_date``).

        :raise ValidationFailure: ending_at before the start
        """
        self.ensure_one()
        vals = {}
        if "name" in values:
            vals["x_fc_name"] = values["name"]
        if "ending_at" in values:
            ending = values["ending_at"]
            if ending and self.start_date and ending < self.start_date:
                raise ValidationFailure({"ending_at": ["invalid_date"]})
            vals["end_date"] = ending
        if vals:
            self.write(vals)

    def _fc_api_terminate(self, now=None):
        """Terminate now, as Lago: from this instant the subscription is ``terminated``
        and takes no more usage; its last day is today, so the usage up to now is rated
        when today ends and goes on the last invoice (``_fc_invoice_final_usage``). A
        subscription that has not started yet is called off instead (``canceled``).

        :param datetime now: the instant of termination (UTC-aware); the clock's by default
        """
        self.ensure_one()
        now = now or datetime.now(UTC)
        today = self._fc_today(now)
        vals = {"x_fc_terminated_at": now.astimezone(UTC).replace(tzinfo=None)}
        if self.start_date and self.start_date > today:
            self.write(vals)
            self._action_cancel()
            return
        if not self.end_date or self.end_date > today:
            vals["end_date"] = today
        self.write(vals)

    def _fc_api_status(self, today):
        self.ensure_one()
        terminated = self.x_fc_terminated_at
        terminated_on = None
        if terminated:
            terminated_on = local_date(terminated.replace(tzinfo=UTC), self._fc_tz())
        return serializers.subscription_status(
            self.state == "cancel", self.start_date or None, self.end_date or None, today,
            terminated_on=terminated_on)

    def _fc_api_values(self, today):
        """What ``engine.serializers.subscription`` needs."""
        self.ensure_one()
        link = self.x_fc_account_link_id
        end = self.x_fc_usage_end
        status = self._fc_api_status(today)
        return {
            "lago_id": self.x_fc_lago_id, "external_id": self.x_fc_external_id,
            "lago_customer_id": link.lago_id or None,
            "external_customer_id": link.external_id or None,
            "name": self.x_fc_name or None, "plan_code": self.x_fc_plan_id.x_fc_plan_code,
            "previous_plan_code": self.x_fc_previous_plan_id.x_fc_plan_code or None,
            "plan_amount_cents": self.x_fc_plan_id._fc_amount_cents(),
            "currency": self.currency_id.name, "status": status,
            "started_at": self.start_date, "ending_at": self.end_date,
            "terminated_at": self._fc_api_terminated_at(status),
            "period_start": self._fc_usage_start(),
            "period_end": end - timedelta(days=1) if end else None,
            "created_at": self.create_date,
        }

    def _fc_api_terminated_at(self, status):
        """The instant of termination (the API's), else the end of the last day."""
        if status not in ("terminated", "canceled"):
            return None
        if self.x_fc_terminated_at:
            return self.x_fc_terminated_at
        return self._fc_instant(self.end_date + timedelta(days=1)) if self.end_date else None

    def _fc_api_current_usage(self):
        """Lago's ``customer_usage`` object of the open period."""
        self.ensure_one()
        usage = self._fc_current_usage()
        charges = []
        for charge, metric, rating in usage["charges"]:
            charges.append({
                "charge_lago_id": charge.lago_id, "charge_model": charge.charge_model,
                "invoice_display_name": charge.invoice_display_name or None,
                "metric_lago_id": metric.lago_id, "metric_name": metric.name,
                "metric_code": metric.code, "aggregation": metric.aggregation,
                "rating": rating,
            })
        return serializers.customer_usage({
            "from_date": usage["from"], "to_date": usage["to"],
            "issuing_date": self.x_fc_usage_end or None,
            "currency": usage["currency"], "charges": charges,
        })
