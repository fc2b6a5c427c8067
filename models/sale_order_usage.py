# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Usage of a subscription: current usage, rating of closed periods, invoicing.

The rating of a closed period is written once (``fusion.billing.rated.usage``), the
period's usage rows are stamped with it, and the subscription's open period moves on:
all in the transaction that holds the subscription's row lock. The native invoice then
carries the rated amounts (:meth:`_create_invoices`), each invoice line linked back.
"""

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from markupsafe import Markup, escape
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL, format_date

from ..engine import invoice_text, messages, reconcile
from ..engine import usage as usage_rules
from ..engine.errors import ValidationFailure
from ..engine.money import decimal_str
from ..engine.periods import local_date, local_midnight_utc
from ..engine.pricing import words
from ..engine.usage import MetricStats
from .fusion_billing_locale import reader_locale, translator

_logger = logging.getLogger(__name__)
# Claims in a row that may meet another server's rating before the cron gives up.
CLAIM_RETRIES = 10


class ShadowBillingRefused(UserError):
    """An invoice of a shadow subscription, refused (the pre-flight tells this refusal
    from any other error)."""


def _exact(text, default=Decimal(0)):
    """A NUMERIC read as text, as an exact Decimal without the column's trailing zeros
    (``218.850000`` is shown and sent as ``218.85``)."""
    if text is None:
        return default
    number = Decimal(text)
    return number.normalize() if number else Decimal(0)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    x_fc_current_usage = fields.Html(
        string="Current Usage", compute="_compute_x_fc_current_usage", sanitize=False,
        help="The open period's usage so far, rated with the plan's charges.",
    )
    x_fc_current_amount = fields.Monetary(
        string="Usage So Far", compute="_compute_x_fc_current_amount",
        help="What the open period's usage costs so far (before taxes).",
    )

    def _compute_x_fc_current_amount(self):
        for order in self:
            amount = 0.0
            if order.x_fc_service_id and order.x_fc_plan_id and order.start_date:
                try:
                    amount = float(order._fc_current_usage()["total"])
                except ValidationFailure:
                    amount = 0.0
            order.x_fc_current_amount = amount

    def _compute_x_fc_current_usage(self):
        for order in self:
            if not (order.x_fc_service_id and order.x_fc_plan_id and order.start_date):
                order.x_fc_current_usage = False
                continue
            try:
                usage = order._fc_current_usage()
            except ValidationFailure as failure:
                order.x_fc_current_usage = escape("; ".join(
                    messages.sentences(failure, translator(self.env).gettext)))
                continue
            order.x_fc_current_usage = order._fc_usage_table(usage)

    def _fc_usage_table(self, usage):
        """The current usage as a small table (escaped values only). Its period ends on
        the tab's Usage Period End; Included is what the plan includes (not the part of
        it used so far)."""
        cell = Markup("<td class='text-end'>%s</td>")
        rows = Markup().join(
            Markup("<tr><td>%s</td>%s%s%s</tr>") % (
                metric.name,
                cell % words.amount_of(rating.units, metric.unit_name),
                cell % words.amount_of(str(charge.included_quantity or 0), metric.unit_name),
                cell % self.currency_id.format(float(rating.amount)),
            )
            for charge, metric, rating in usage["charges"]
        )
        period = self.env._(
            "%(start)s to %(end)s", start=format_date(self.env, usage["from"]),
            end=format_date(self.env, usage["to"]) if usage["to"] else self.env._("open"),
        )
        return Markup(
            "<p>%s</p><table class='table table-sm'><thead><tr><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody><tfoot><tr>"
            "<th colspan='3'>%s</th><th class='text-end'>%s</th></tr></tfoot></table>"
        ) % (
            period, self.env._("Metric"), self.env._("Units So Far"),
            self.env._("Included in the Plan"), self.env._("Amount"), rows,
            self.env._("Total so far"), self.currency_id.format(float(usage["total"])),
        )

    # === TIME === #

    def _fc_tz(self):
        return self.x_fc_service_id._fc_timezone() if self.x_fc_service_id else "UTC"

    def _fc_today(self, now=None):
        """Today in the service's company time zone."""
        now = now or datetime.now(UTC)
        return local_date(now, self._fc_tz())

    @api.model
    def _fc_today_for(self, service):
        """Today in a service's company time zone."""
        return local_date(datetime.now(UTC), service._fc_timezone())

    def _fc_instant(self, day):
        return local_midnight_utc(day, self._fc_tz())

    # === AGGREGATION === #

    def _fc_charges(self):
        """The active charges of the billing plan, with what rating needs of each."""
        self.ensure_one()
        charges = self.x_fc_plan_id.x_fc_charge_ids.filtered("active")
        exponent = self.currency_id.decimal_places
        return [
            (charge, charge.metric_id, charge._fc_engine_charge(exponent)) for charge in charges
        ]

    def _fc_period_stats(self, start, end, charges):
        """One SQL query: per metric, the figures of ``[start, end)`` (local dates).

        Recurring metrics read every row up to the end (their carried balance or keys);
        values are returned one by one only for charges whose pricing needs them.

        :rtype: dict metric id -> engine.usage.MetricStats
        """
        recurring = [metric.id for _charge, metric, _engine in charges if metric.recurring]
        with_events = [
            metric.id for _charge, metric, engine in charges if engine.pricer.needs_events
        ]
        self.env["fusion.billing.usage"].flush_model()
        # Odoo reads NUMERIC columns back as floats: every figure comes out as text and is
        # read as an exact Decimal, so no amount ever goes through a binary float.
        # Only rows not rated yet count for the period (defence in depth: a row already
        # rated or invoiced is never counted again, whatever the period fields say).
        # Recurring metrics carry every row up to the end, rated or not: that is their
        # balance, not a second billing of those rows.
        query = SQL(
            """
            SELECT metric_id,
                   COUNT(*) FILTER (WHERE %(open)s),
                   (SUM(quantity) FILTER (WHERE %(open)s))::text,
                   (MAX(quantity) FILTER (WHERE %(open)s))::text,
                   ((ARRAY_AGG(quantity ORDER BY timestamp DESC, id DESC)
                        FILTER (WHERE %(open)s))[1])::text,
                   COUNT(DISTINCT unique_key) FILTER (WHERE %(open)s),
                   SUM(quantity)::text,
                   COUNT(DISTINCT unique_key),
                   ARRAY_AGG(quantity::text ORDER BY timestamp, id)
                        FILTER (WHERE %(open)s AND metric_id = ANY(%(events)s))
              FROM fusion_billing_usage
             WHERE subscription_id = %(order)s AND timestamp < %(end)s
               AND (timestamp >= %(start)s OR metric_id = ANY(%(recurring)s))
             GROUP BY metric_id
            """,
            open=SQL("timestamp >= %s AND state = 'pushed'", self._fc_naive(start)),
            start=self._fc_naive(start), end=self._fc_naive(end), order=self.id,
            events=with_events, recurring=recurring,
        )
        stats = {}
        for metric_id, count, total, peak, last, distinct, balance, keys, events in \
                self.env.execute_query(query):
            stats[metric_id] = MetricStats(
                count=count, total=_exact(total), peak=_exact(peak, None),
                last=_exact(last, None), distinct=distinct, balance=_exact(balance),
                keys_to_date=keys,
                events=tuple(_exact(value) for value in events) if events is not None
                else (() if metric_id in with_events else None),
            )
        return stats

    def _fc_naive(self, day):
        return self._fc_instant(day).astimezone(UTC).replace(tzinfo=None)

    def _fc_rate(self, start, end):
        """Rate ``[start, end)``: ``([(charge, metric, rating)], total)``."""
        charges = self._fc_charges()
        stats = self._fc_period_stats(start, end, charges)
        rows = [
            (charge, metric, metric.aggregation, metric.recurring, engine)
            for charge, metric, engine in charges
        ]
        results, total = usage_rules.rate_period(
            [(c.id, m.id, agg, rec, eng) for c, m, agg, rec, eng in rows], stats,
        )
        by_id = {charge.id: (charge, metric) for charge, metric, _engine in charges}
        return [(*by_id[r.charge], r.rating) for r in results], total

    def _fc_current_usage(self, now=None):
        """The open period's usage, rated: what the customer owes so far.

        :return: ``{"from": date, "to": date or None, "charges": [(charge, metric,
            rating)], "total": Decimal, "currency": str}``
        :rtype: dict
        """
        self.ensure_one()
        start = self._fc_usage_start()
        today = self._fc_today(now)
        end = self.x_fc_usage_end
        # Nothing can have been pushed after the server's tomorrow (5 min of skew).
        query_end = min(end, today + timedelta(days=2)) if end else today + timedelta(days=2)
        charges, total = self._fc_rate(start, max(query_end, start))
        return {
            "from": start, "to": end - timedelta(days=1) if end else None,
            "charges": charges, "total": total, "currency": self.currency_id.name,
        }

    # === RATING === #

    def _fc_rate_closed_periods(self, today):
        """Rate every closed usage period of these (locked) subscriptions, in turn.

        :return: the rated usage written
        :rtype: fusion.billing.rated.usage
        """
        rated = self.env["fusion.billing.rated.usage"]
        for order in self:
            while True:
                start, end = order._fc_usage_start(), order.x_fc_usage_end
                if not usage_rules.is_closed(start, end, today):
                    break
                rated |= order._fc_rate_period(start, end, billed=order.x_fc_usage_billed)
                # The system moves the period on (a Billing User's invoice included).
                order.sudo().x_fc_usage_start = end
                order.flush_recordset(["x_fc_usage_start", "x_fc_usage_end"])
        return rated

    def _fc_rate_period(self, start, end, billed):
        """Write the rating of the closed period ``[start, end)`` and freeze its rows."""
        self.ensure_one()
        charges, total = self._fc_rate(start, end)
        last_day = end - timedelta(days=1)
        # The customer's words: the invoice line, the rated usage and the webhooks say it.
        locale = reader_locale(self.env, self.currency_id, self.partner_id.lang)
        # The system writes the rating (Billing Users only read it), also when a manual
        # invoice by a user rates the period first.
        rated = self.env["fusion.billing.rated.usage"].sudo().create([
            {
                "name": invoice_text.line(charge.invoice_display_name or metric.name,
                                          metric.unit_name, rating, start, last_day, locale),
                "sequence": charge.sequence,
                "subscription_id": self.id,
                "charge_id": charge.id,
                "period_start": start,
                "period_end": last_day,
                "units": float(rating.units),
                "included_units": float(rating.included_units),
                "billable_units": float(rating.billable_units),
                "amount": float(rating.amount),
                "precise_amount": decimal_str(rating.precise_amount),
                "amount_details": rating.breakdown,
                "shadow": not billed,
            }
            for charge, metric, rating in charges
        ]).sudo(self.env.su)
        rated_by_metric = {r.metric_id.id: r.id for r in rated}
        self.env.flush_all()
        cases = SQL(" ").join(
            SQL("WHEN %s THEN %s", metric_id, rated_id)
            for metric_id, rated_id in rated_by_metric.items()
        ) if rated_by_metric else None
        self.env.execute_query(SQL(
            """
            UPDATE fusion_billing_usage
               SET state = 'rated', period_start = %(start)s, period_end = %(last)s,
                   rated_date = NOW() AT TIME ZONE 'UTC', rated_usage_id = %(rated)s
             WHERE subscription_id = %(order)s AND state = 'pushed'
               AND timestamp >= %(from)s AND timestamp < %(to)s
            """,
            start=start, last=last_day, order=self.id,
            rated=SQL("CASE metric_id %s ELSE NULL END", cases) if cases else SQL("NULL"),
            **{"from": self._fc_naive(start), "to": self._fc_naive(end)},
        ))
        self.env["fusion.billing.usage"].invalidate_model()
        if not billed:
            self._fc_reconcile(start, last_day, charges, total)
        return rated

    def _fc_reconcile(self, start, last_day, charges, total):
        """Shadow: Odoo's amounts of a period, per metric and in total, for the dual run.

        The total is the whole bill of the period before taxes (the plan's recurring fee
        and the usage), the figure the app's invoice total is compared with."""
        items = [
            {"metric_code": metric.code, "metric_id": metric.id, "amount": rating.amount}
            for _charge, metric, rating in charges
        ]
        items.append({"metric_code": reconcile.TOTAL, "metric_id": None,
                      "amount": reconcile.period_total(self._fc_recurring_fees(), [total])})
        key = {"subscription_key": self._fc_reconciliation_key(), "period_start": start,
               "period_end": last_day, "subscription_id": self.id,
               "partner_id": self.partner_id.id}
        # The system writes the evidence: Billing Users only read it.
        self.env["fusion.billing.reconciliation"].sudo()._fc_merge(
            self.x_fc_service_id, "odoo", [{**key, **item} for item in items], "rating")

    def _fc_recurring_fees(self):
        """What each prepaid recurring line (the plan's fee) bills for one period, before
        taxes."""
        self.ensure_one()
        return self.order_line.filtered(
            lambda line: line.recurring_invoice and line.product_id.invoice_policy == "order"
        ).mapped("price_subtotal")

    # === CRON === #

    @api.model
    def _cron_fc_rate_usage(self, batch_size=50):
        """Rate the closed usage periods of app subscriptions, a claimed batch at a time.

        Runs before the native recurring invoicing. Each batch is claimed with
        ``FOR UPDATE SKIP LOCKED``, so two Odoo servers (or a manual invoice) never rate
        the same subscription at once, and committed once rated: a crash loses at most the
        batch in progress, which the next run redoes. A subscription whose usage cannot be
        rated gets a note and is left for the next run.
        """
        cron = self.env["ir.cron"]
        failed, not_due = set(), set()
        while True:
            batch = self._fc_claim_due_again(batch_size, exclude=failed, not_due=not_due)
            if not batch:
                cron._commit_progress(remaining=0)  # all done: the next run is the hourly one
                return
            for order in batch:
                try:
                    with self.env.cr.savepoint():
                        order._fc_rate_closed_periods(order._fc_today())
                        order._fc_invoice_final_usage()
                except ValidationFailure as failure:
                    _logger.warning("usage of %s not rated: %s", order.name, failure)
                    failed.add(order.id)
                    order._fc_note_rating_problem(failure)
            # Some may remain: Odoo calls again until its time budget is used up, then
            # reschedules the cron at once (remaining > 0), never an hour later.
            if not cron._commit_progress(len(batch), remaining=len(batch)):
                return

    @api.model
    def _fc_claim_due_again(self, limit, exclude=(), not_due=None):
        """:meth:`_fc_claim_due`, claimed again on a fresh snapshot when another server
        wrote a row of the claim since this transaction began (PostgreSQL refuses to
        lock it: a serialization failure). Only the cron claims, between batches it has
        committed: the rollback loses nothing, and the new claim skips what the other
        server rated."""
        for attempt in range(CLAIM_RETRIES + 1):
            try:
                return self._fc_claim_due(limit, exclude=exclude, not_due=not_due)
            except SerializationFailure:
                if attempt == CLAIM_RETRIES:
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all(flush=False)
        return self.browse()

    def _fc_claim_due(self, limit, exclude=(), not_due=None):
        """Lock and return up to ``limit`` subscriptions whose usage period has closed
        in their company's time zone.

        The SQL claim reads a superset: periods closing up to the day after the server's
        UTC date, which covers every zone east of UTC (up to UTC+14) as well as the west.
        Each claimed row is then checked against its company's own date, since a period
        closes at local midnight, never before. A row not due yet (a company still on
        the day before) joins ``not_due`` and is skipped by the next claims of this run,
        so such rows never fill a batch and starve the due ones behind them.

        :param set not_due: ids found not due, filled in place (the cron keeps it for
            its whole run)
        """
        self.env.flush_all()
        not_due = set() if not_due is None else not_due
        today_utc = datetime.now(UTC).date()
        while True:
            # log_exceptions=False: a serialization failure here is expected when two
            # servers rate at once, and the cron claims again (no ERROR in the log).
            self.env.cr.execute(SQL(
                """
                SELECT id FROM sale_order
                 WHERE x_fc_service_id IS NOT NULL AND x_fc_usage_end IS NOT NULL
                   AND x_fc_usage_end <= %s AND state != 'cancel'
                   AND COALESCE(x_fc_usage_start, start_date) < x_fc_usage_end
                   AND NOT (id = ANY(%s))
                 ORDER BY x_fc_usage_end, id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                today_utc + timedelta(days=1), list(set(exclude) | not_due), limit,
            ), log_exceptions=False)
            orders = self.browse([row[0] for row in self.env.cr.fetchall()])
            today = {service: self._fc_today_for(service)
                     for service in orders.x_fc_service_id}  # one zone look-up per service
            due = orders.filtered(lambda o, t=today: o.x_fc_usage_end <= t[o.x_fc_service_id])
            not_due.update((orders - due).ids)
            if due or len(orders) < limit:
                return due

    def _fc_note_rating_problem(self, failure):
        self.message_post(
            body=self.env._(
                "The usage of this subscription could not be rated: %(problems)s",
                problems="; ".join(failure.lines()),
            ),
            subtype_xmlid="mail.mt_note",
        )

    # === INVOICING === #

    def _fc_lock(self):
        """Lock these subscriptions' rows (blocking): rating and invoicing are exclusive."""
        if self:
            self.env.flush_all()
            self.env.execute_query(SQL(
                "SELECT id FROM sale_order WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(self.ids),
            ))
            self.invalidate_recordset()

    def _create_invoices(self, grouped=False, final=False, date=None):
        """Put the rated usage of closed periods on the invoices native Odoo creates.

        Runs for the native recurring invoicing and for a manual invoice alike. A period
        that closed but is not rated yet (this ran before the rating cron) is rated first.
        """
        self._fc_check_not_shadow()
        metered = self.filtered(lambda o: o.x_fc_service_id and o.plan_id)
        metered._fc_lock()
        for order in metered:
            try:
                with self.env.cr.savepoint():
                    order._fc_rate_closed_periods(order._fc_today())
            except ValidationFailure as failure:
                # The native invoice goes out; the usage stays unrated (nothing is lost)
                # and goes on a later invoice once finance has fixed the cause.
                _logger.warning("usage of %s not rated: %s", order.name, failure)
                order._fc_note_rating_problem(failure)
        moves = super()._create_invoices(grouped=grouped, final=final, date=date)
        for invoice in moves:
            # Native invoicing groups one customer's orders on one invoice: every app
            # subscription on it is recorded (the first also as the API's subscription).
            orders = invoice.invoice_line_ids.sale_line_ids.order_id.filtered(
                "x_fc_service_id").sorted("id")
            if orders:
                invoice.write({"x_fc_service_id": orders[0].x_fc_service_id.id,
                               "x_fc_subscription_id": orders[0].id,
                               "x_fc_subscription_ids": [Command.set(orders.ids)]})
        for order in metered:
            invoice = moves.filtered(
                lambda m, o=order: o in m.invoice_line_ids.sale_line_ids.order_id
            )[:1]
            if invoice:
                order._fc_add_usage_lines(invoice)
        return moves

    def _fc_check_not_shadow(self):
        """Shadow never bills: an app subscription of a service in shadow mode is never
        invoiced, whoever asks (a Create Invoice, a script, the superuser)."""
        shadow = self.filtered(lambda o: o.x_fc_service_id.mode == "shadow")
        if shadow:
            raise ShadowBillingRefused(self.env._(
                "%(orders)s cannot be invoiced: %(service)s is in shadow mode, where Odoo "
                "computes the billing for the reconciliation only and never invoices, "
                "charges or emails. Native billing invoices it once the service goes live.",
                orders=", ".join(shadow.mapped("display_name")),
                service=shadow[0].x_fc_service_id.name,
            ))

    def _fc_pending_usage(self):
        self.ensure_one()
        return self.x_fc_rated_usage_ids.filtered(lambda r: r.state == "to_invoice")

    def _fc_add_usage_lines(self, invoice):
        """Add one invoice line per rated usage still to invoice, and link them."""
        self.ensure_one()
        pending = self._fc_pending_usage()
        if not pending:
            return
        invoice.write({
            "invoice_line_ids": [Command.create(rated._fc_invoice_line_values())
                                 for rated in pending],
            "x_fc_subscription_ids": [Command.link(self.id)],
        })
        for line in invoice.invoice_line_ids.filtered(
                lambda line: line.x_fc_rated_usage_id in pending):
            line.x_fc_rated_usage_id.invoice_line_id = line
        pending._fc_sync_usage_rows()

    def _fc_invoice_final_usage(self):
        """A terminated live subscription's last usage, invoiced by itself.

        Once the period up to the end date is rated, its usage must not wait for a native
        invoice that may never come (the prepaid period was already billed). Whichever
        invoice comes first carries it: a rated usage is linked to one invoice line only.
        """
        self.ensure_one()
        usage_start = self.x_fc_usage_start
        if not (self.plan_id and self.end_date and usage_start and usage_start > self.end_date):
            return self.env["account.move"]
        if not self._fc_pending_usage():
            return self.env["account.move"]
        invoice = self.env["account.move"].create({
            **self._prepare_invoice(),
            "x_fc_service_id": self.x_fc_service_id.id, "x_fc_subscription_id": self.id,
        })
        self._fc_add_usage_lines(invoice)
        invoice.action_post()
        return invoice
