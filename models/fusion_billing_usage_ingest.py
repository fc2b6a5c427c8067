# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Ingestion of usage pushes: look up, let ``engine.ingest`` judge, store in bulk SQL."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import NamedTuple

from odoo import api, models
from odoo.tools import SQL

from ..engine import ingest
from ..engine.errors import ValidationFailure

# Columns written by the bulk insert, in order.
_INSERT_COLUMNS = (
    "service_id", "company_id", "metric_id", "subscription_id", "partner_id",
    "external_subscription_id", "transaction_id", "timestamp", "quantity", "unique_key",
    "properties", "state", "revision", "create_date", "write_date", "lago_id",
)


class _Lookups(NamedTuple):
    """What the pushes of a batch named: metrics by code ``(id, MetricRule)``,
    subscriptions by external id ``(order id, partner id, SubscriptionSpan)``."""

    company_id: int
    metrics: dict
    subscriptions: dict
    public_ids: dict  # external id -> (subscription lago_id, customer lago_id)


def _naive(stamp):
    """Odoo stores UTC datetimes without zone."""
    return stamp.astimezone(UTC).replace(tzinfo=None)


class FusionBillingUsage(models.Model):
    _inherit = "fusion.billing.usage"

    @api.model
    def _ingest(self, service, pushes, now=None, values_out=None):
        """Store a batch of up to 100 pushes of one service, all or nothing.

        Must run in a transaction that Odoo retries on serialization failures (an HTTP
        request, or ``odoo.service.model.retrying``): two workers pushing one key at the
        same moment then store one row, and the second gets the stored row back.

        :param service: the ``fusion.billing.service`` the pushes come from
        :param list pushes: raw pushes (dicts with ``transaction_id``,
            ``external_subscription_id``, ``code``, ``timestamp``, ``properties``)
        :param datetime now: the server's clock (UTC-aware); for tests
        :param dict values_out: filled with ``{usage id: _fc_api_values()}`` of the rows
            this batch created, known without reading them back (the API's hot path)
        :return: ``(results, errors)``: per push, in order, ``(usage record, outcome)``
            with outcome ``created``, ``replayed`` or ``overwritten``; or, when any push is
            invalid, no results and Lago's ``{"<index>": {field: [codes]}}``
        :rtype: tuple(list, dict)
        :raise ValidationFailure: when the batch itself is empty or too large
        """
        service.ensure_one()
        ingest.check_batch_size(pushes)
        now = now or datetime.now(UTC)
        judged, lookups = self._judge_pushes(service, pushes, now)
        cleans = [item if isinstance(item, ingest.CleanPush) else None for item in judged]
        for index in ingest.duplicate_in_batch(cleans):
            judged[index] = ValidationFailure({"transaction_id": ["duplicated_in_batch"]})
        if any(isinstance(item, ValidationFailure) for item in judged):
            # Report the replay conflicts of the valid pushes too: every problem at once.
            stored = self._lock_existing(service, list({
                (p.external_subscription_id, p.transaction_id) for p in cleans if p}))
            for index, push in enumerate(cleans):
                if push:
                    try:
                        self._verdict(stored, push)
                    except ValidationFailure as failure:
                        judged[index] = failure
            return [], ingest.batch_errors(judged)
        return self._store_pushes(service, cleans, lookups, values_out)

    # === LOOK-UPS === #

    def _judge_pushes(self, service, pushes, now):
        """Look up the metrics and subscriptions the pushes name (two lean queries: this
        is the hot path of the API), then let the engine judge each push.

        :return: ``(judged, lookups)``: per push a CleanPush or a ValidationFailure
        """
        raw_pushes = [p if isinstance(p, dict) else {} for p in pushes]
        codes = {ingest.lookup_key(p.get("code")) for p in raw_pushes} - {None}
        external_ids = {
            ingest.lookup_key(p.get("external_subscription_id")) for p in raw_pushes
        } - {None}
        self.env.flush_all()
        # One query for the service's company, time zone and the metrics named.
        rows = self.env.execute_query(SQL(
            """
            SELECT s.company_id, COALESCE(p.tz, 'UTC'), m.id, m.code, m.aggregation,
                   m.field_name, m.recurring, m.replay_policy
              FROM fusion_billing_service s
              JOIN res_company c ON c.id = s.company_id
              JOIN res_partner p ON p.id = c.partner_id
              LEFT JOIN fusion_billing_metric m
                ON m.service_id = s.id AND m.active AND m.code = ANY(%s)
             WHERE s.id = %s
            """,
            sorted(codes), service.id,
        ))
        company_id, tz = rows[0][:2]
        metrics = {
            code: (metric_id, ingest.MetricRule(aggregation, field or "value", bool(recurring),
                                                policy or ingest.OVERWRITE))
            for _company, _tz, metric_id, code, aggregation, field, recurring, policy in rows
            if metric_id
        }
        subscriptions, public_ids = {}, {}
        for order_id, external_id, partner_id, start, end, open_from, state, lago_id, \
                customer_lago_id, terminated_at in self.env.execute_query(SQL(
                    # IS NOT NULL: the condition of the (service, external id) index.
                    "SELECT o.id, o.x_fc_external_id, o.partner_id, o.start_date,"
                    # The open period never starts before the day after the last
                    # rated one, whatever its start field says (see sale.order).
                    "       o.end_date, GREATEST(COALESCE(o.x_fc_usage_start, o.start_date),"
                    "           (SELECT MAX(r.period_end) + 1 FROM fusion_billing_rated_usage r"
                    "             WHERE r.subscription_id = o.id)), o.state,"
                    "       o.x_fc_lago_id, l.lago_id, o.x_fc_terminated_at"
                    "  FROM sale_order o"
                    "  LEFT JOIN fusion_billing_account_link l"
                    "    ON l.id = o.x_fc_account_link_id"
                    " WHERE o.x_fc_service_id = %s AND o.x_fc_external_id IS NOT NULL"
                    "   AND o.x_fc_external_id = ANY(%s)",
                    service.id, sorted(external_ids),
                )):
            span = ingest.subscription_span(
                start, end, open_from, tz, state == "cancel",
                terminated_at=terminated_at and terminated_at.replace(tzinfo=UTC))
            subscriptions[external_id] = (order_id, partner_id, span)
            public_ids[external_id] = (lago_id, customer_lago_id)
        judged = []
        for raw, raw_map in zip(pushes, raw_pushes, strict=True):
            metric = metrics.get(ingest.lookup_key(raw_map.get("code")))
            order = subscriptions.get(ingest.lookup_key(raw_map.get("external_subscription_id")))
            try:
                judged.append(ingest.judge_push(
                    raw, metric=metric and metric[1], span=order and order[2], now=now,
                ))
            except ValidationFailure as failure:
                judged.append(failure)
        return judged, _Lookups(company_id, metrics, subscriptions, public_ids)

    # === STORE === #

    def _store_pushes(self, service, cleans, lookups, values_out=None):
        keys = list(dict.fromkeys((p.external_subscription_id, p.transaction_id) for p in cleans))
        first = {}
        for push in cleans:
            first.setdefault((push.external_subscription_id, push.transaction_id), push)
        self.env.flush_all()
        # A late push (into a rated period) is never inserted: only an identical replay of
        # a stored one passes. New rows go in first, then the stored rows of the other keys
        # are locked and judged; nothing is overwritten before every push is judged, and
        # a refused batch takes its new rows back out (cheaper than a savepoint per batch).
        inserted = self._insert_new(
            service, [first[key] for key in keys if not first[key].late], lookups, values_out,
        )
        stored = self._lock_existing(service, [k for k in keys if k not in inserted])
        outcomes, problems, overwrites = {}, {}, []
        for key in keys:
            if key in inserted:
                outcomes[key] = (inserted[key], ingest.CREATED)
                continue
            try:
                outcome = self._verdict(stored, first[key])
            except ValidationFailure as failure:
                problems[key] = failure
                continue
            # A key neither inserted nor stored would be lost: the insert only skips keys
            # that exist (a concurrent insert raises and the request is retried).
            assert outcome != ingest.CREATED, "a new key that is not late is inserted"
            row = stored[key]
            if outcome == ingest.OVERWRITTEN:
                overwrites.append((row["id"], first[key]))
            outcomes[key] = (row["id"], outcome)
        if problems:
            if inserted:
                self.env.cr.execute(
                    "DELETE FROM fusion_billing_usage WHERE id = ANY(%s)", [list(inserted.values())]
                )
            results = [problems.get((p.external_subscription_id, p.transaction_id))
                       for p in cleans]
            return [], ingest.batch_errors(results)
        for usage_id, push in overwrites:
            self._overwrite(usage_id, push, lookups.metrics)
        usages = self.browse(sorted({rid for rid, _outcome in outcomes.values()}))
        usages.invalidate_recordset()
        # Records taken from one recordset read their fields together (one prefetch).
        by_id = {usage.id: usage for usage in usages}
        results, seen = [], set()
        for push in cleans:
            key = (push.external_subscription_id, push.transaction_id)
            usage_id, outcome = outcomes[key]
            # A second identical push of one key in the same batch is a replay of the first.
            results.append((by_id[usage_id], ingest.REPLAYED if key in seen else outcome))
            seen.add(key)
        return results, {}

    @staticmethod
    def _verdict(stored, push):
        """``engine.ingest.judge_key`` on the row stored under the push's key, if any."""
        row = stored.get((push.external_subscription_id, push.transaction_id))
        return ingest.judge_key(row and row["stored"], push, row and row["policy"])

    def _insert_new(self, service, pushes, lookups, values_out=None):
        """INSERT ... ON CONFLICT DO NOTHING; return ``{key: id}`` of the rows created.

        No ``create_uid``/``write_uid``: the API's rows are all made by the same system
        user, and each user column costs a foreign-key check per row."""
        if not pushes:
            return {}
        params = []
        for push in pushes:
            order_id, partner_id, _span = lookups.subscriptions[push.external_subscription_id]
            params.extend((
                service.id, lookups.company_id, lookups.metrics[push.code][0], order_id,
                partner_id,
                push.external_subscription_id, push.transaction_id, _naive(push.timestamp),
                push.quantity, push.unique_key, json.dumps(push.properties, default=str),
            ))
        row = ("(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, 'pushed', 0,"
               " NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC', gen_random_uuid()::text)")
        query = (
            f"INSERT INTO fusion_billing_usage ({', '.join(_INSERT_COLUMNS)})"
            f" VALUES {', '.join([row] * len(pushes))}"
            " ON CONFLICT (service_id, external_subscription_id, transaction_id) DO NOTHING"
            " RETURNING external_subscription_id, transaction_id, id, lago_id, create_date"
        )
        # A concurrent insert of the same key makes this fail with a serialization error,
        # which the request retries (then it is a replay): not worth an ERROR in the log.
        self.env.cr.execute(query, params, log_exceptions=False)
        rows = self.env.cr.fetchall()
        if values_out is not None:
            by_key = {(p.external_subscription_id, p.transaction_id): p for p in pushes}
            for ext, tx, rid, lago_id, created in rows:
                push = by_key[(ext, tx)]
                subscription_lago_id, customer_lago_id = lookups.public_ids[ext]
                values_out[rid] = {
                    "lago_id": lago_id, "transaction_id": tx, "code": push.code,
                    "timestamp": _naive(push.timestamp),
                    # As the jsonb column gives them back: decimals as strings.
                    "properties": json.loads(json.dumps(push.properties, default=str)),
                    "external_subscription_id": ext, "created_at": created,
                    "lago_subscription_id": subscription_lago_id,
                    "lago_customer_id": customer_lago_id,
                }
        return {(ext, tx): rid for ext, tx, rid, _lago_id, _created in rows}

    def _lock_existing(self, service, keys):
        """The stored rows of keys that already existed, locked until the commit."""
        if not keys:
            return {}
        query = SQL(
            "SELECT u.id, u.external_subscription_id, u.transaction_id, m.code, u.timestamp,"
            "       u.quantity::text, u.unique_key, u.state, m.replay_policy"
            "  FROM fusion_billing_usage u JOIN fusion_billing_metric m ON m.id = u.metric_id"
            " WHERE u.service_id = %s AND (u.external_subscription_id, u.transaction_id) IN %s"
            "   FOR UPDATE OF u",
            service.id, tuple(keys),
        )
        self.env.cr.execute(query, log_exceptions=False)
        found = {}
        for rid, ext, tx, code, stamp, quantity, key, state, policy in self.env.cr.fetchall():
            found[(ext, tx)] = {
                "id": rid, "policy": policy or ingest.OVERWRITE,
                "stored": ingest.Stored(code, stamp.replace(tzinfo=UTC), Decimal(quantity),
                                        key, state != "pushed"),
            }
        return found

    def _overwrite(self, usage_id, push, metrics):
        """Replace a window's figure, keeping the superseded one and counting revisions."""
        self.env.execute_query(SQL(
            "UPDATE fusion_billing_usage"
            "   SET previous_quantity = quantity, previous_timestamp = timestamp,"
            "       quantity = %s, timestamp = %s, unique_key = %s, properties = %s::jsonb,"
            "       metric_id = %s, revision = revision + 1,"
            "       revised_date = NOW() AT TIME ZONE 'UTC', write_uid = %s,"
            "       write_date = NOW() AT TIME ZONE 'UTC'"
            " WHERE id = %s AND state = 'pushed'",
            push.quantity, _naive(push.timestamp), push.unique_key,
            json.dumps(push.properties, default=str), metrics[push.code][0], self.env.uid,
            usage_id,
        ))
