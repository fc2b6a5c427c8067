# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Sharing out costs without a customer: weights from the usage or the subscriptions,
shares from ``engine.allocation``, stored with the rule that made them."""

import logging
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

from ..engine import allocation
from ..engine.errors import ValidationFailure
from ..engine.periods import local_midnight_utc

_logger = logging.getLogger(__name__)


def _period(day, basis):
    """The first and last day whose units (or customers) share out a cost of ``day``."""
    if basis == "day":
        return day, day
    first = day.replace(day=1)
    return first, first + relativedelta(months=1) - timedelta(days=1)


class FusionBillingCost(models.Model):
    _inherit = "fusion.billing.cost"

    def _fc_requeue(self):
        """Forget these costs' shares: they are shared out again by the next run."""
        customerless = self.filtered(lambda cost: not cost.partner_id)
        customerless.allocation_ids.unlink()
        customerless.write({"allocation_state": "pending", "allocation_note": False})

    def _fc_allocate(self):
        """Share out these costs without a customer by their service's rule for their
        provider. A cost with no rule, or nothing to share it by (no units, no customer in
        the period), stays whole and says why; it is shared out when a rule comes, or on
        **Allocate Again**."""
        costs = self.filtered(lambda c: not c.partner_id and c.allocation_state == "pending")
        if not costs:
            return
        rules = {
            (rule.service_id.id, rule.provider_id.id): rule
            for rule in self.env["fusion.billing.allocation.rule"].search([
                ("service_id", "in", costs.service_id.ids),
                ("provider_id", "in", costs.provider_id.ids),
            ])
        }
        weights_cache, lines = {}, []
        for cost in costs:
            rule = rules.get((cost.service_id.id, cost.provider_id.id))
            if not rule:
                cost.write({"allocation_state": "unallocated", "allocation_note": self.env._(
                    "No allocation rule for %(provider)s on %(service)s.",
                    provider=cost.provider_id.name, service=cost.service_id.name)})
                continue
            first, last = _period(cost.date, rule.basis_period)
            key = (rule.id, first, last)
            if key not in weights_cache:
                weights_cache[key] = rule._fc_weights(first, last)
            weights = weights_cache[key]
            try:
                shares = allocation.largest_remainder(
                    Decimal(str(cost.amount)), weights, cost.currency_id.decimal_places)
            except ValidationFailure:
                cost.write({"allocation_state": "unallocated",
                            "allocation_note": rule._fc_nothing_to_share_by(first, last)})
                continue
            total = sum(weights.values(), Decimal(0))
            plans = self._fc_plans(cost.service_id, {(p, cost.date) for p in shares})
            lines += [{
                "cost_id": cost.id, "rule_id": rule.id, "method": rule.method,
                "service_id": cost.service_id.id, "provider_id": cost.provider_id.id,
                "date": cost.date, "partner_id": partner_id,
                "plan_id": plans.get((partner_id, cost.date)),
                "amount": float(share), "basis_units": float(weights[partner_id]),
                "basis_total": float(total),
            } for partner_id, share in sorted(shares.items()) if weights[partner_id]]
            cost.write({"allocation_state": "allocated", "allocation_note": False})
        self.env["fusion.billing.cost.allocation"].create(lines)

    # === CRON === #

    @api.model
    def _cron_fc_allocate_costs(self, batch_size=500):
        """Share out the pending costs without a customer, a claimed batch at a time
        (``FOR UPDATE SKIP LOCKED``: two servers never share out one cost twice),
        committed per batch."""
        cron = self.env["ir.cron"]
        while True:
            batch = self._fc_claim_pending(batch_size)
            if not batch:
                break
            batch._fc_allocate()
            if not cron._commit_progress(len(batch)):
                break
        cron._commit_progress(remaining=0)

    @api.model
    def _fc_claim_pending(self, limit):
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            "SELECT id FROM fusion_billing_cost"
            " WHERE partner_id IS NULL AND allocation_state = 'pending'"
            " ORDER BY service_id, provider_id, date, id LIMIT %s FOR UPDATE SKIP LOCKED",
            limit,
        ))
        return self.sudo().browse([row[0] for row in rows])


class FusionBillingAllocationRule(models.Model):
    _inherit = "fusion.billing.allocation.rule"

    def _fc_weights(self, first, last):
        """Each customer's weight in ``[first, last]``: their units of the rule's metric
        (customers with none, or a net negative, weigh nothing), or 1 per customer with a
        subscription of the service running then.

        :return: partner id -> weight
        :rtype: dict
        """
        self.ensure_one()
        self.env.flush_all()
        if self.method == allocation.EVENLY:
            rows = self.env.execute_query(SQL(
                """
                SELECT DISTINCT partner_id, 1 FROM sale_order
                 WHERE x_fc_service_id = %s AND state != 'cancel'
                   AND COALESCE(plan_id, x_fc_plan_id) IS NOT NULL
                   AND (start_date IS NULL OR start_date <= %s)
                   AND (end_date IS NULL OR end_date >= %s)
                """,
                self.service_id.id, last, first,
            ))
            return {partner: Decimal(1) for partner, _one in rows}
        tz = self.service_id._fc_timezone()
        rows = self.env.execute_query(SQL(
            """
            SELECT partner_id, SUM(quantity)::text FROM fusion_billing_usage
             WHERE service_id = %s AND metric_id = %s AND partner_id IS NOT NULL
               AND timestamp >= %s AND timestamp < %s
             GROUP BY partner_id HAVING SUM(quantity) > 0
            """,
            self.service_id.id, self.metric_id.id,
            local_midnight_utc(first, tz).replace(tzinfo=None),
            local_midnight_utc(last + timedelta(days=1), tz).replace(tzinfo=None),
        ))
        return {partner: Decimal(units) for partner, units in rows}

    def _fc_nothing_to_share_by(self, first, last):
        if self.method == allocation.EVENLY:
            return self.env._("No customer of %(service)s was subscribed from %(first)s to "
                              "%(last)s.", service=self.service_id.name, first=first, last=last)
        return self.env._("No customer used %(metric)s from %(first)s to %(last)s.",
                          metric=self.metric_id.code, first=first, last=last)
