# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Storing costs: look up, let ``engine.costs`` judge and convert, write in bulk SQL.

One path for every way in (the API, the CSV upload, the bridge), so a cost is judged,
converted and traced the same way whoever reports it.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import NamedTuple

from odoo import api, models
from odoo.tools import SQL

from ..engine import costs
from ..engine.errors import ValidationFailure
from ..engine.ingest import batch_errors
from ..engine.periods import local_date

# Columns of a new cost, in the order of the bulk insert.
_INSERT_COLUMNS = (
    "service_id", "company_id", "provider_id", "partner_id", "plan_id", "metric_id", "date",
    "source", "amount", "original_amount", "original_currency_id", "exchange_rate",
    "quantity", "unit", "allocation_state", "revision", "lago_id", "create_date", "write_date",
)
# The key as the unique index spells it (ON CONFLICT infers the index from it).
_KEY_SQL = "service_id, provider_id, COALESCE(partner_id, 0), date, source"


class _Company(NamedTuple):
    id: int
    currency: str
    currency_id: int
    exponent: int
    tz: str


class _Judged(NamedTuple):
    """A cost ready to store: the engine's clean cost, what it resolved to, its figures."""

    cost: costs.CleanCost
    partner_id: int | None
    metric_id: int | None
    figures: costs.Figures

    def key(self, provider_id=None):
        return (provider_id or self.cost.provider, self.cost.day, self.partner_id or 0,
                self.cost.source)


def _decimal(text):
    return None if text is None else Decimal(text)


class FusionBillingCost(models.Model):
    _inherit = "fusion.billing.cost"

    @api.model
    def _fc_ingest(self, service, items, *, source=costs.API_SOURCE, now=None,
                   max_batch=costs.MAX_BATCH, partners=None, values_out=None):
        """Store a batch of costs of one service, all or nothing.

        Must run in a transaction that is retried on serialization failures (an HTTP
        request, or ``odoo.service.model.retrying``): two sources sending one new key at
        the same moment then store one row, and the retry finds it stored.

        :param service: the ``fusion.billing.service`` the costs are for
        :param list items: raw costs (see :func:`engine.costs.judge_cost`)
        :param str source: the source of the costs that name none
        :param datetime now: the server's clock (UTC-aware); for tests
        :param int max_batch: most costs in one call (the API's 100); ``None``: no limit
        :param list partners: per cost, the customer's partner id when the caller knows
            it already (the bridge reads partners, not the apps' ids); never from the API
        :param dict values_out: filled with ``{cost id: _fc_api_values()}`` of the costs
            this batch created, known without reading them back (the API's hot path)
        :return: ``(results, errors)``: per cost, in order, ``(cost id, outcome)`` with
            outcome ``created``, ``unchanged`` or ``replaced``; or, when any cost is
            invalid, no results and ``{"<index>": {field: [codes]}}``
        :rtype: tuple(list, dict)
        :raise ValidationFailure: when the batch itself is empty or too large
        """
        service.ensure_one()
        if max_batch is None:
            if not isinstance(items, list) or not items:
                costs.check_batch_size(items)
        else:
            costs.check_batch_size(items)
            if len(items) > max_batch:
                raise ValidationFailure({"costs": ["too_many_costs"]})
        company = self._fc_company(service)
        today = local_date(now or datetime.now(UTC), company.tz)
        currencies = self._fc_currencies(self._fc_named_currencies(company, items))
        judged = self._fc_judge(service, company, items, today, source, currencies, partners)
        keys = [item.key() if isinstance(item, _Judged) else None for item in judged]
        for index in costs.duplicates(keys):
            judged[index] = ValidationFailure({"cost": ["duplicated_in_batch"]})
        if any(isinstance(item, ValidationFailure) for item in judged):
            return [], batch_errors(judged)
        return self._fc_store(service, company, judged, currencies, values_out), {}

    @api.model
    def _fc_ingest_each(self, service, items, partners=None, **options):
        """:meth:`_fc_ingest` for sources that must not stop at a bad row (the bridge):
        the costs that fail are left out, each with its reason, the others stored.

        :return: ``(results, failures)``: ``(cost id, outcome)`` of the stored costs, and
            ``[(index, reason)]`` of the others
        :rtype: tuple(list, list)
        """
        indexes = list(range(len(items)))
        failures = []
        while indexes:
            results, errors = self._fc_ingest(
                service, [items[i] for i in indexes],
                partners=[partners[i] for i in indexes] if partners else None,
                max_batch=None, **options)
            if not errors:
                return results, failures
            failures += [(indexes[int(position)], "; ".join(ValidationFailure(details).lines()))
                         for position, details in errors.items()]
            indexes = [index for position, index in enumerate(indexes)
                       if str(position) not in errors]
        return [], failures

    # === LOOK-UPS === #

    def _fc_company(self, service):
        """The service's company, its currency and time zone, in one small query (the
        API's hot path: the ORM would load whole company and currency rows)."""
        self.env.flush_all()
        [(company_id, currency_id, currency, exponent, tz)] = self.env.execute_query(SQL(
            """
            SELECT c.id, cur.id, cur.name, cur.decimal_places, COALESCE(p.tz, 'UTC')
              FROM fusion_billing_service s
              JOIN res_company c ON c.id = s.company_id
              JOIN res_currency cur ON cur.id = c.currency_id
              JOIN res_partner p ON p.id = c.partner_id
             WHERE s.id = %s
            """,
            service.id,
        ))
        return _Company(company_id, currency, currency_id, exponent, tz)

    @staticmethod
    def _fc_named_currencies(company, items):
        named = {company.currency}
        for raw in items:
            if isinstance(raw, dict) and isinstance(raw.get("amount_currency"), str):
                named.add(raw["amount_currency"].strip().upper())
        return named

    def _fc_judge(self, service, company, items, today, source, currencies,
                  known_partners=None):
        """Per raw cost, a :class:`_Judged` or the ``ValidationFailure`` with every
        problem: the engine's, then what the look-ups found missing."""
        exponents = {code: exponent for code, (_id, exponent) in currencies.items()}
        cleans = []
        for raw in items:
            try:
                cleans.append(costs.judge_cost(raw, today=today, currencies=exponents,
                                               company_currency=company.currency,
                                               source=source))
            except ValidationFailure as failure:
                cleans.append(failure)
        valid = [clean for clean in cleans if isinstance(clean, costs.CleanCost)]
        partners = self._fc_partners(service, {c.external_customer_id for c in valid} - {None})
        metrics = self._fc_metrics(service, {c.metric_code for c in valid} - {None})
        rates = self._fc_rates(company, {(currencies[c.currency][0], c.currency, c.day)
                                         for c in valid if c.currency != company.currency})
        judged = []
        for index, clean in enumerate(cleans):
            if isinstance(clean, ValidationFailure):
                judged.append(clean)
                continue
            details = {}
            partner_id = partners.get(clean.external_customer_id)
            if known_partners and known_partners[index]:
                partner_id = known_partners[index]
            if clean.external_customer_id is not None and partner_id is None:
                details["external_customer_id"] = ["customer_not_found"]
            metric_id = metrics.get(clean.metric_code)
            if clean.metric_code is not None and metric_id is None:
                details["billable_metric_code"] = ["metric_not_found"]
            try:
                figures = costs.figures(clean, company.currency, company.exponent, rates)
            except ValidationFailure as failure:
                details.update(failure.details)
            judged.append(ValidationFailure(details) if details
                          else _Judged(clean, partner_id, metric_id, figures))
        return judged

    def _fc_currencies(self, codes):
        """ISO code -> (id, decimal places) of the active currencies named."""
        return {name: (currency_id, exponent) for name, currency_id, exponent in
                self.env.execute_query(SQL(
                    "SELECT name, id, decimal_places FROM res_currency"
                    " WHERE active AND name = ANY(%s)", sorted(codes)))}

    def _fc_partners(self, service, external_ids):
        if not external_ids:
            return {}
        return dict(self.env.execute_query(SQL(
            "SELECT external_id, partner_id FROM fusion_billing_account_link"
            " WHERE service_id = %s AND external_id = ANY(%s)",
            service.id, sorted(external_ids),
        )))

    def _fc_metrics(self, service, codes):
        if not codes:
            return {}
        return dict(self.env.execute_query(SQL(
            "SELECT code, id FROM fusion_billing_metric"
            " WHERE service_id = %s AND active AND code = ANY(%s)",
            service.id, sorted(codes),
        )))

    def _fc_rates(self, company, wanted):
        """Odoo's rates of each currency and day, as exact decimals, with the company
        currency's own rate of that day: ``(code, day) -> (rate, company rate)``.

        As ``res.currency._get_rates``: the company's (root's) rate before a shared one,
        the latest on or before the day, else the earliest there is; a currency without
        any rate has none here (refused: Odoo would silently use 1).
        """
        if not wanted:
            return {}
        values = SQL(", ").join(
            SQL("(%s::int, %s::text, %s::date)", currency_id, code, day)
            for currency_id, code, day in sorted(wanted)
        )
        root = self.env["res.company"].browse(company.id).root_id.id
        rows = self.env.execute_query(SQL(
            """
            SELECT v.code, v.day, (%(rate)s)::text,
                   COALESCE((%(company_rate)s)::text, '1')
              FROM (VALUES %(values)s) AS v(currency_id, code, day)
            """,
            values=values,
            rate=self._fc_rate_sql(SQL("v.currency_id"), root),
            company_rate=self._fc_rate_sql(SQL("%s", company.currency_id), root),
        ))
        return {(code, day): (_decimal(rate), _decimal(own)) for code, day, rate, own in rows}

    @staticmethod
    def _fc_rate_sql(currency, root):
        on_or_before = SQL(
            "SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = %s"
            " AND (r.company_id IS NULL OR r.company_id = %s) AND r.name <= v.day"
            " ORDER BY r.company_id, r.name DESC LIMIT 1", currency, root)
        earliest = SQL(
            "SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = %s"
            " AND (r.company_id IS NULL OR r.company_id = %s)"
            " ORDER BY r.company_id, r.name LIMIT 1", currency, root)
        return SQL("COALESCE((%s), (%s))", on_or_before, earliest)

    @api.model
    def _fc_plans(self, service, pairs):
        """The plan of each customer's subscription of the service on each day:
        ``(partner id, day) -> plan id`` (the latest started subscription running then).
        """
        if not pairs:
            return {}
        values = SQL(", ").join(SQL("(%s::int, %s::date)", partner, day)
                                for partner, day in sorted(pairs))
        rows = self.env.execute_query(SQL(
            """
            SELECT DISTINCT ON (v.partner_id, v.day) v.partner_id, v.day,
                   COALESCE(o.plan_id, o.x_fc_plan_id)
              FROM (VALUES %s) AS v(partner_id, day)
              JOIN sale_order o ON o.x_fc_service_id = %s AND o.partner_id = v.partner_id
             WHERE o.state != 'cancel' AND COALESCE(o.plan_id, o.x_fc_plan_id) IS NOT NULL
               AND (o.start_date IS NULL OR o.start_date <= v.day)
               AND (o.end_date IS NULL OR o.end_date >= v.day)
             ORDER BY v.partner_id, v.day, o.start_date DESC NULLS LAST, o.id DESC
            """,
            values, service.id,
        ))
        return {(partner, day): plan for partner, day, plan in rows}

    # === STORE === #

    def _fc_store(self, service, company, judged, currency_ids, values_out=None):
        providers = self.env["fusion.billing.provider"]._fc_ids_by_code(
            {item.cost.provider: item.cost.provider_name for item in judged})
        key_of = [item.key(providers[item.cost.provider]) for item in judged]
        plans = self._fc_plans(service, {(item.partner_id, item.cost.day)
                                         for item in judged if item.partner_id})
        # New keys go in first (the common case: nothing to read); the stored rows of
        # the others are then locked and compared.
        pairs = list(zip(key_of, judged, strict=True))
        inserted = self._fc_insert(service, company, pairs, providers, plans, currency_ids)
        stored = self._fc_lock_stored(service, [key for key in key_of if key not in inserted])
        outcomes, replaced = {}, []
        for key, item in pairs:
            if key in inserted:
                cost_id, lago_id, created = inserted[key]
                outcomes[key] = (cost_id, costs.CREATED)
                if values_out is not None:
                    values_out[cost_id] = self._fc_new_values(
                        item, company, currency_ids, lago_id, created)
                continue
            # Not inserted: stored before this transaction began (a concurrent insert
            # fails the insert above with a serialization error instead).
            row = stored[key]
            outcome = costs.verdict(row["figures"], item.figures)
            if outcome == costs.REPLACED:
                replaced.append((row, item))
            outcomes[key] = (row["id"], outcome)
        Month = self.env["fusion.billing.cost.month"]
        Month._fc_add(company.id, service.id, [
            (key[0], item.partner_id, plans.get((item.partner_id, item.cost.day)),
             item.cost.day, item.figures.amount) for key, item in pairs if key in inserted])
        slices = self._fc_replace(replaced, plans, currency_ids)
        Month._fc_refresh(slices + [(service.id, row["provider_id"], row["partner_id"],
                                     row["date"]) for row, _item in replaced])
        return [outcomes[key] for key in key_of]

    @staticmethod
    def _fc_new_values(item, company, currency_ids, lago_id, created):
        """What the API answers of a cost just created, from what was sent."""
        cost, figures = item.cost, item.figures
        original = figures.original_currency
        return {
            "lago_id": lago_id, "provider": cost.provider, "date": cost.day,
            "external_customer_id": cost.external_customer_id,
            "amount": figures.amount, "currency": company.currency,
            "exponent": company.exponent, "original_amount": figures.original_amount,
            "original_currency": original,
            "original_exponent": currency_ids[original][1] if original else None,
            "rate": figures.rate, "units": figures.units, "unit": figures.unit,
            "billable_metric_code": figures.metric_code, "source": cost.source,
            "revision": 0, "created_at": created, "updated_at": created,
        }

    def _fc_lock_stored(self, service, keys):
        """The stored costs of these keys, locked until the commit: key -> row."""
        if not keys:
            return {}
        values = SQL(", ").join(
            SQL("(%s::int, %s::date, %s::int, %s::text)", *key) for key in keys)
        rows = self.env.execute_query(SQL(
            """
            SELECT c.id, c.provider_id, c.date, COALESCE(c.partner_id, 0), c.source,
                   c.amount::text, c.original_amount::text, cur.name, c.exchange_rate::text,
                   c.quantity::text, c.unit, m.code, c.metric_id, c.original_currency_id,
                   c.allocation_state
              FROM fusion_billing_cost c
              JOIN (VALUES %s) AS v(provider_id, day, partner_id, source)
                ON c.service_id = %s AND c.provider_id = v.provider_id AND c.date = v.day
               AND COALESCE(c.partner_id, 0) = v.partner_id AND c.source = v.source
              LEFT JOIN res_currency cur ON cur.id = c.original_currency_id
              LEFT JOIN fusion_billing_metric m ON m.id = c.metric_id
               FOR UPDATE OF c
            """,
            values, service.id,
        ))
        found = {}
        for (cost_id, provider, day, partner, source, amount, original, currency, rate,
             quantity, unit, metric_code, metric_id, currency_id, state) in rows:
            found[(provider, day, partner, source)] = {
                "id": cost_id, "metric_id": metric_id, "currency_id": currency_id,
                "provider_id": provider, "date": day, "partner_id": partner,
                "state": state, "amount": amount, "original": original, "rate": rate,
                "quantity": quantity, "unit": unit,
                "figures": costs.Figures(
                    Decimal(amount), _decimal(original), currency, _decimal(rate),
                    _decimal(quantity), unit, metric_code),
            }
        return found

    def _fc_insert(self, service, company, new, providers, plans, currency_ids):
        """INSERT ... ON CONFLICT DO NOTHING: ``{key: (id, lago_id, create_date)}`` of the
        rows made. A key made
        by a concurrent transaction since this one began fails the statement with a
        serialization error, and the request is retried (then the key is stored).

        No ``create_uid``/``write_uid``: each user column costs a foreign-key check per
        row on the API's hot path (its rows are all the system user's anyway)."""
        if not new:
            return {}
        stamp = SQL("NOW() AT TIME ZONE 'UTC'")
        rows = []
        for _key, item in new:
            cost, figures = item.cost, item.figures
            currency = currency_ids.get(figures.original_currency)
            rows.append(SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0,"
                " gen_random_uuid()::text, %s, %s)",
                service.id, company.id, providers[cost.provider], item.partner_id,
                plans.get((item.partner_id, cost.day)), item.metric_id, cost.day, cost.source,
                figures.amount, figures.original_amount, currency and currency[0],
                figures.rate, figures.units, figures.unit,
                "direct" if item.partner_id else "pending", stamp, stamp,
            ))
        query = SQL(
            "INSERT INTO fusion_billing_cost (%s) VALUES %s"
            " ON CONFLICT (%s) DO NOTHING"
            " RETURNING id, provider_id, date, COALESCE(partner_id, 0), source, lago_id,"
            " create_date",
            SQL(", ").join(SQL.identifier(column) for column in _INSERT_COLUMNS),
            SQL(", ").join(rows), SQL(_KEY_SQL),
        )
        # A concurrent insert of the same key is retried as a whole, not an error.
        self.env.cr.execute(query, log_exceptions=False)
        return {tuple(row[1:5]): (row[0], row[5], row[6]) for row in self.env.cr.fetchall()}

    def _fc_replace(self, replaced, plans, currency_ids):
        """Write the new figures of resent costs, keeping the replaced ones as a
        revision; a cost shared out is shared out again (its shares are gone).

        :return: the monthly slices of the shares removed
        :rtype: list
        """
        if not replaced:
            return []
        revisions = SQL(", ").join(
            SQL("(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                " NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')",
                row["id"], row["amount"], item.figures.amount, row["original"],
                row["currency_id"], row["rate"], row["quantity"], row["unit"],
                row["metric_id"], self.env.uid, self.env.uid)
            for row, item in replaced
        )
        self.env.execute_query(SQL(
            "INSERT INTO fusion_billing_cost_revision (cost_id, amount, new_amount,"
            " original_amount, original_currency_id, exchange_rate, quantity, unit, metric_id,"
            " create_uid, write_uid, create_date, write_date) VALUES %s", revisions,
        ))
        updates = SQL(", ").join(
            SQL("(%s::int, %s::numeric, %s::numeric, %s::int, %s::numeric, %s::numeric,"
                " %s::varchar, %s::int, %s::int)",
                row["id"], item.figures.amount, item.figures.original_amount,
                (currency_ids.get(item.figures.original_currency) or (None,))[0],
                item.figures.rate, item.figures.units, item.figures.unit, item.metric_id,
                plans.get((item.partner_id, item.cost.day)))
            for row, item in replaced
        )
        self.env.execute_query(SQL(
            """
            UPDATE fusion_billing_cost c
               SET amount = v.amount, original_amount = v.original_amount,
                   original_currency_id = v.currency_id, exchange_rate = v.rate,
                   quantity = v.quantity, unit = v.unit, metric_id = v.metric_id,
                   plan_id = COALESCE(v.plan_id, c.plan_id), revision = c.revision + 1,
                   revised_date = NOW() AT TIME ZONE 'UTC',
                   allocation_state = CASE WHEN c.partner_id IS NULL THEN 'pending'
                                           ELSE 'direct' END,
                   allocation_note = NULL,
                   write_uid = %s, write_date = NOW() AT TIME ZONE 'UTC'
              FROM (VALUES %s) AS v(id, amount, original_amount, currency_id, rate,
                                    quantity, unit, metric_id, plan_id)
             WHERE c.id = v.id
            """,
            self.env.uid, updates,
        ))
        shares = self.env.execute_query(SQL(
            "DELETE FROM fusion_billing_cost_allocation WHERE cost_id = ANY(%s)"
            " RETURNING service_id, provider_id, partner_id, date",
            [row["id"] for row, _item in replaced],
        ))
        self.invalidate_model()
        self.env["fusion.billing.cost.allocation"].invalidate_model()
        return shares
