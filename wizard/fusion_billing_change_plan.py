# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..engine import usage as usage_rules
from ..models.fusion_billing_service import MANAGER_GROUP


class FusionBillingChangePlan(models.TransientModel):
    """Change Plan on an app subscription (Billing Administrators): the same change as
    the API's (``sale.order._fc_change_plan``), with what it does said before it is done.
    """

    _name = "fusion.billing.change.plan"
    _description = "Change the Plan of an App Subscription"

    subscription_id = fields.Many2one("sale.order", required=True, readonly=True,
                                      ondelete="cascade")
    service_id = fields.Many2one(related="subscription_id.x_fc_service_id")
    current_plan_id = fields.Many2one(related="subscription_id.x_fc_plan_id",
                                      string="Current Plan")
    plan_id = fields.Many2one(
        "sale.subscription.plan", string="New Plan", required=True,
        domain="[('x_fc_service_id', '=', service_id), ('x_fc_plan_code', '!=', False),"
               " ('id', '!=', current_plan_id)]",
    )
    effect = fields.Html(string="When It Takes Effect", compute="_compute_effect",
                         sanitize=False)

    @api.depends("plan_id", "subscription_id")
    def _compute_effect(self):
        for wizard in self:
            wizard.effect = wizard._fc_effect() if wizard.plan_id else False

    def _fc_effect(self):
        """What the change does, in sentences (every value escaped)."""
        self.ensure_one()
        order, plan, env = self.subscription_id, self.plan_id, self.env
        start = order._fc_usage_start()
        end, billed = usage_rules.open_period(
            start, native=bool(order.plan_id), live_from=order.x_fc_live_from or None,
            next_invoice_date=order.next_invoice_date or None,
            cycle=usage_rules.shadow_cycle(order.start_date, plan.billing_period_value or 1,
                                           plan.billing_period_unit or "month"),
            last_day=order.end_date or None,
        ) if start else (None, False)
        sentences = [env._("The change takes effect at once: the app is told "
                           "(subscription.updated) and the chatter records it.")]
        if end:
            sentences.append(env._(
                "The open usage period, %(start)s to %(last)s, is rated with the charges of "
                "%(plan)s when it closes, on %(end)s; it goes %(where)s.",
                start=format_date(env, start), last=format_date(env, end - timedelta(days=1)),
                end=format_date(env, end), plan=plan.name,
                where=env._("on the invoice") if billed
                else env._("to the reconciliation only (shadow)"),
            ))
        dropped = (order.x_fc_plan_id.x_fc_charge_ids.metric_id
                   - plan.x_fc_charge_ids.metric_id)
        if dropped:
            sentences.append(env._(
                "%(plan)s does not charge %(metrics)s: that usage is not billed from this "
                "period on.", plan=plan.name, metrics=", ".join(dropped.mapped("name"))))
        sentences.append(env._(
            "The subscription's lines (its recurring fee) are not changed, as with the "
            "API's plan change: edit them if the new plan's fee differs."))
        return Markup().join(Markup("<p>%s</p>") % sentence for sentence in sentences)

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(self.env._("Only a Billing Administrator can change a plan."))
        order, before = self.subscription_id, self.subscription_id.x_fc_plan_id
        order._fc_change_plan(self.plan_id)
        order.message_post(
            body=Markup("<p>%s</p>%s") % (
                self.env._("Plan changed from %(old)s to %(new)s with Change Plan.",
                           old=before.name, new=self.plan_id.name),
                self._fc_effect()),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
