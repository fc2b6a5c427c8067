# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Costs summed per month: what the margin report reads when it is grouped by month or
coarser (a year of daily costs for 1,000 customers is a million rows; its months, 36,000).

The sums are never written by hand. A new cost adds its amount to its month; every other
change (a resend, a sharing out, a deletion) recomputes the months it touches from the
costs and shares themselves (a *slice*: one service, provider, customer and month). Both
happen in the transaction of the change.
"""

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import table_exists

MONEY = {"readonly": True, "currency_field": "currency_id"}


def month_of(day):
    return day.replace(day=1)


class FusionBillingCostMonth(models.Model):
    _name = "fusion.billing.cost.month"
    _description = "Provider Costs of a Month"
    _order = "month desc, id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    service_id = fields.Many2one("fusion.billing.service", readonly=True, ondelete="cascade")
    provider_id = fields.Many2one("fusion.billing.provider", readonly=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True,
                                 ondelete="cascade")
    plan_id = fields.Many2one("sale.subscription.plan", readonly=True, ondelete="set null")
    month = fields.Date(readonly=True, help="The first day of the month.")
    direct_cost = fields.Monetary(**MONEY)
    allocated_cost = fields.Monetary(**MONEY)
    unallocated_cost = fields.Monetary(**MONEY)

    # One row per service, provider, customer, month and plan; its order serves the
    # slices too (service, provider, customer, month).
    _month_uniq = models.UniqueIndex(
        "(service_id, provider_id, COALESCE(partner_id, 0), month, COALESCE(plan_id, 0))")

    def init(self):
        result = super().init()
        # After an upgrade the sums are recomputed once from the costs themselves.
        if table_exists(self.env.cr, "fusion_billing_cost_allocation"):
            self._fc_rebuild()
        return result

    @api.model
    def _fc_rebuild(self):
        """Recompute every month from the costs and shares (after a bulk load)."""
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM fusion_billing_cost_month"))
        self.env.cr.execute(self._fc_insert_sql(SQL("fusion_billing_cost c"),
                                                SQL("fusion_billing_cost_allocation a")))
        self.invalidate_model()

    @api.model
    def _fc_refresh(self, slices):
        """Recompute the months of these slices.

        :param slices: ``(service id, provider id, partner id or 0, any day of the month)``
        """
        slices = {(service, provider, partner or 0, month_of(day))
                  for service, provider, partner, day in slices}
        if not slices:
            return
        self.env.flush_all()
        values = SQL(", ").join(SQL("(%s::int, %s::int, %s::int, %s::date)", *key)
                                for key in sorted(slices))
        # Two transactions refreshing one month: the later one fails with a serialization
        # error and is retried as a whole (an API request), or by the cron's next batch.
        self.env.cr.execute(SQL(
            """
            DELETE FROM fusion_billing_cost_month m
             USING (VALUES %s) AS s(service_id, provider_id, partner_id, month)
             WHERE m.service_id = s.service_id AND m.provider_id = s.provider_id
               AND COALESCE(m.partner_id, 0) = s.partner_id AND m.month = s.month
            """, values), log_exceptions=False)
        # Joined on each slice's own range of the cost key's index (service, provider,
        # customer, day): a month of one customer is read, never a whole month.
        self.env.cr.execute(self._fc_insert_sql(
            SQL("""fusion_billing_cost c
                   JOIN (VALUES %s) AS s(service_id, provider_id, partner_id, month)
                     ON c.service_id = s.service_id AND c.provider_id = s.provider_id
                    AND COALESCE(c.partner_id, 0) = s.partner_id
                    AND c.date >= s.month AND c.date < s.month + 31
                    AND date_trunc('month', c.date) = s.month""", values),
            SQL("""fusion_billing_cost_allocation a
                   JOIN (VALUES %s) AS s(service_id, provider_id, partner_id, month)
                     ON a.service_id = s.service_id AND a.provider_id = s.provider_id
                    AND a.partner_id = s.partner_id
                    AND a.date >= s.month AND a.date < s.month + 31
                    AND date_trunc('month', a.date) = s.month""", values),
        ), log_exceptions=False)
        self.invalidate_model()

    @api.model
    def _fc_add(self, company_id, service_id, rows):
        """Add new costs to their months (the API's hot path: a new cost only adds, so
        its month is not recomputed).

        :param rows: ``(provider id, partner id or None, plan id or None, day, amount)``
            of costs just inserted (``Decimal`` amounts)
        """
        sums = {}
        for provider, partner, plan, day, amount in rows:
            key = (provider, partner or None, plan or None, month_of(day))
            direct, unallocated = sums.get(key, (0, 0))
            sums[key] = (direct + amount, unallocated) if partner else (
                direct, unallocated + amount)
        if not sums:
            return
        values = SQL(", ").join(
            SQL("(%s, %s, %s, %s, %s, %s, %s, 0, %s)", company_id, service_id, provider,
                partner, plan, month, direct, unallocated)
            for (provider, partner, plan, month), (direct, unallocated) in sorted(
                sums.items(), key=lambda item: repr(item[0])))
        # Two requests adding to one month: the later one fails with a serialization
        # error and is retried as a whole.
        self.env.cr.execute(SQL(
            """
            INSERT INTO fusion_billing_cost_month (company_id, service_id, provider_id,
                   partner_id, plan_id, month, direct_cost, allocated_cost, unallocated_cost)
            VALUES %s
            ON CONFLICT (service_id, provider_id, COALESCE(partner_id, 0), month,
                         COALESCE(plan_id, 0))
            DO UPDATE SET
                direct_cost = fusion_billing_cost_month.direct_cost + EXCLUDED.direct_cost,
                unallocated_cost = fusion_billing_cost_month.unallocated_cost
                                   + EXCLUDED.unallocated_cost
            """, values), log_exceptions=False)
        self.invalidate_model()

    @staticmethod
    def _fc_insert_sql(costs_from, shares_from):
        # A cost shared out counts through its shares only.
        return SQL(
            """
            INSERT INTO fusion_billing_cost_month (company_id, service_id, provider_id,
                   partner_id, plan_id, month, direct_cost, allocated_cost, unallocated_cost)
            SELECT company_id, service_id, provider_id, partner_id, plan_id, month,
                   SUM(direct), SUM(allocated), SUM(unallocated)
              FROM (SELECT c.company_id, c.service_id, c.provider_id, c.partner_id,
                           c.plan_id, date_trunc('month', c.date)::date AS month,
                           CASE WHEN c.partner_id IS NOT NULL THEN c.amount ELSE 0 END
                               AS direct,
                           0 AS allocated,
                           CASE WHEN c.partner_id IS NULL THEN c.amount ELSE 0 END
                               AS unallocated
                      FROM %s
                     WHERE c.allocation_state != 'allocated'
                    UNION ALL
                    SELECT a.company_id, a.service_id, a.provider_id, a.partner_id,
                           a.plan_id, date_trunc('month', a.date)::date, 0, a.amount, 0
                      FROM %s) AS parts
             GROUP BY company_id, service_id, provider_id, partner_id, plan_id, month
            """,
            costs_from, shares_from,
        )
