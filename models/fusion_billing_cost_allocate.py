# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Sharing out costs without a customer: weights from the usage or the subscriptions,
shares from ``engine.allocation``, stored with the rule that made them."""

import logging
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from psycopg2.errors import SerializationFailure

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

    def _fc_slices(self):
        """The monthly slices these costs and their shares count in."""
        return [(cost.service_id.id, cost.provider_id.id, cost.partner_id.id, cost.date)
                for cost in self] + [
            (share.service_id.id, share.provider_id.id, share.partner_id.id, share.date)
            for share in self.allocation_ids]

    def _fc_requeue(self):
        """Forget these costs' shares: they are shared out again by the next run."""
        customerless = self.filtered(lambda cost: not cost.partner_id)
        slices = customerless._fc_slices()
        customerless.allocation_ids.unlink()
        customerless.write({"allocation_state": "pending", "allocation_note": False})
        self.env["fusion.billing.cost.month"]._fc_refresh(slices)

    def unlink(self):
        slices = self._fc_slices()
        result = super().unlink()
        self.env["fusion.billing.cost.month"]._fc_refresh(slices)
        return result

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
        shares = self.env["fusion.billing.cost.allocation"].create(lines)
        self.env["fusion.billing.cost.month"]._fc_refresh(
            costs._fc_slices() + shares.mapped(lambda s: (s.service_id.id, s.provider_id.id,
                                                          s.partner_id.id, s.date)))

    # === CRON === #

    @api.model
    def _cron_fc_allocate_costs(self, batch_size=500):
        """Share out the pending costs without a customer, a claimed batch at a time
        (``FOR UPDATE SKIP LOCKED``: two servers never share out one cost twice),
        committed per batch."""
        cron = self.env["ir.cron"]
        self._fc_allocate_pending(batch_size, commit=cron._commit_progress)
        cron._commit_progress(remaining=0)

    @api.model
    def _fc_allocate_pending(self, batch_size, commit, retries=10):
        """Claim, share out and commit batches until none is left.

        Two runs sharing out costs of one month meet on its monthly sums: the later one
        fails with a serialization error, rolls its batch back and claims again (up to
        ``retries`` times in a row).

        :param commit: called with the batch's size after each batch; a false answer
            stops (``ir.cron._commit_progress``: the time budget is used up)
        :return: how many costs were shared out
        """
        done = failures = 0
        while True:
            try:
                batch = self._fc_claim_pending(batch_size)
                if not batch:
                    return done
                batch._fc_allocate()
                self.env.flush_all()
            except SerializationFailure:
                failures += 1
                if failures > retries:
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all(flush=False)
                continue
            done += len(batch)
            failures = 0
            if not commit(len(batch)):
                return done

    @api.model
    def _fc_claim_pending(self, limit):
        self.env.flush_all()
        # A row another run changed since this transaction began fails the lock with a
        # serialization error: the caller rolls back and claims again.
        self.env.cr.execute(SQL(
            "SELECT id FROM fusion_billing_cost"
            " WHERE partner_id IS NULL AND allocation_state = 'pending'"
            " ORDER BY service_id, provider_id, date, id LIMIT %s FOR UPDATE SKIP LOCKED",
            limit,
        ), log_exceptions=False)
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])


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
