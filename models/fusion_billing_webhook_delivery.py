# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Draining the webhook outbox: claim due rows, sign, post, record the attempt, commit."""

import logging
import socket
import threading
from datetime import UTC

from odoo import api, fields, models
from odoo.orm.environments import Transaction
from odoo.tools import SQL

from ..engine import webhooks
from . import outbound_http
from .fusion_billing_webhook import TEST_EVENT

_logger = logging.getLogger(__name__)

# Rows claimed at a time. A claimed row is leased to its drain by a session-level
# advisory lock on the drain's database connection, (LEASE_SPACE, webhook id): another
# drain (another thread, another server) skips it while the lease holds, and the lease
# ends with the drain: released after the batch, or by PostgreSQL itself the moment a
# killed server's connection closes, so a crash hands its rows back at once (at least
# once, never twice at once). Nothing is written to lease a row.
CLAIM_BATCH = 50
# Due rows a claim looks at to find CLAIM_BATCH that no other drain holds.
CLAIM_WINDOW = CLAIM_BATCH * 8
# The first key of the webhook leases' advisory locks ("FCBW"): the second is the id.
LEASE_SPACE = 0x46434257
# Drains a cron run starts at once (each on its own database connection).
PARALLEL_DRAINS = 2
# What recording an attempt changes on the webhook (the ORM cache forgets them).
RECORDED_FIELDS = ["state", "attempt_count", "next_attempt_date", "last_attempt_date",
                   "last_http_status", "last_error", "delivered_date", "write_date",
                   "attempt_ids"]
ALLOW_PRIVATE_PARAM = "fusion_centralize_billing.webhook_allow_private_endpoints"


def private_endpoints_allowed(env):
    """Whether the system parameter lets webhooks reach loopback and private addresses
    over http (local development and tests only)."""
    return env["ir.config_parameter"].sudo().get_param(ALLOW_PRIVATE_PARAM) in (
        "1", "True", "true")


def resolve(host):
    """Every address ``host`` resolves to (the endpoint check refuses private ones)."""
    return [info[4][0] for info in socket.getaddrinfo(host, None)]


class FusionBillingWebhook(models.Model):
    _inherit = "fusion.billing.webhook"

    @api.model
    def _cron_fc_deliver_webhooks(self):
        self._fc_deliver()

    @api.model
    def _fc_deliver(self, drains=None, limit=None):
        """Run ``drains`` drains at once: this cursor's, and the others in threads on
        cursors of their own. They share nothing but the queue, which their leases
        split (the same as two servers at once); a drain waits on the network or the
        database most of the time, so two deliver about half as much again as one
        (bench/webhooks.py).

        :param int limit: attempts per drain, at most (the benchmark's rounds)
        :return: the number of attempts made
        """
        drains = drains or PARALLEL_DRAINS
        made = []

        def drain_on_own_cursor():
            try:
                with self.env.registry.cursor() as cr:
                    # The registry this drain already holds: an environment would look
                    # it up by name, which waits on the test runner's registry lock.
                    cr.transaction = Transaction(self.env.registry)
                    env = api.Environment(cr, self.env.uid, self.env.context)
                    made.append(env[self._name]._fc_drain(commit=cr.commit, limit=limit))
            except Exception:
                _logger.exception("a webhook drain stopped; its leased rows are due "
                                  "again at once")

        others = [threading.Thread(target=drain_on_own_cursor, daemon=True,
                                   name=f"fcb-webhook-drain-{index}")
                  for index in range(drains - 1)]
        for thread in others:
            thread.start()
        try:
            made.append(self._fc_drain(commit=self.env.cr.commit, limit=limit))
        finally:
            for thread in others:
                thread.join()
        return sum(made)

    @api.model
    def _fc_drain(self, commit, limit=None):
        """Deliver due webhooks until none is left (or ``limit`` were tried).

        :param commit: called after the claim and after each webhook (``cr.commit`` in
            the cron; tests on one transaction pass ``env.flush_all``)
        :return: the number of attempts made
        """
        context = _DrainContext(self.env)
        attempts = 0
        try:
            while limit is None or attempts < limit:
                batch = self._fc_claim(
                    min(CLAIM_BATCH, limit - attempts) if limit else CLAIM_BATCH, commit)
                if not batch:
                    break
                for row in batch:
                    now = fields.Datetime.now()
                    answer = _send(context.target(row["service_id"]), row, now, context.gone)
                    if answer is not None:  # None: the app said gone earlier in this drain
                        self._fc_record(row, now, answer, context)
                        attempts += 1
                    commit()
                self._fc_unlease([row["id"] for row in batch])
        except BaseException:
            # The connection goes back to Odoo's pool: it must hold no lease.
            self.env.cr.rollback()
            self.env.cr.execute("SELECT pg_advisory_unlock_all()")
            raise
        return attempts

    @api.model
    def _fc_claim(self, limit, commit):
        """Lease up to ``limit`` due webhooks of services that can receive them.

        Two statements around a commit: the first takes the leases (advisory locks) on
        due rows no other drain holds; the second, on a snapshot taken after the leases,
        reads the rows again and keeps those still due. A drain that sent a row commits
        its attempt before it releases the lease, so a row it finished is never read as
        due here (the first statement's snapshot may be older than that commit).

        :param commit: the drain's commit, called between the two statements
        :return: dicts of id, service_id, webhook_uuid, payload, attempt_count
        """
        self.env.flush_all()
        due = SQL("""
            FROM fusion_billing_webhook d
            JOIN fusion_billing_service s ON s.id = d.service_id
           WHERE d.state IN ('pending', 'retrying')
             AND d.next_attempt_date <= %(now)s
             AND s.active AND s.webhook_url IS NOT NULL
             AND s.webhook_disabled_date IS NULL
             AND (s.mode = 'live' OR d.event_type = %(test)s)
        """, now=fields.Datetime.now(), test=TEST_EVENT)
        self.env.cr.execute(SQL("""
            WITH due AS MATERIALIZED (
                SELECT d.id %(due)s
                 ORDER BY d.next_attempt_date, d.id
                 LIMIT %(window)s)
            SELECT id FROM due WHERE pg_try_advisory_lock(%(space)s, id) LIMIT %(limit)s
        """, due=due, window=max(limit, 1) * CLAIM_WINDOW // CLAIM_BATCH,
            space=LEASE_SPACE, limit=limit))
        leased = [row[0] for row in self.env.cr.fetchall()]
        commit()
        if not leased:
            return []
        self.env.cr.execute(SQL("""
            SELECT d.id, d.service_id, d.webhook_uuid, d.payload,
                   COALESCE(d.attempt_count, 0) AS attempt_count
              %(due)s AND d.id = ANY(%(leased)s)
             ORDER BY d.id
        """, due=due, leased=leased))
        rows = self.env.cr.dictfetchall()
        self._fc_unlease(set(leased) - {row["id"] for row in rows})
        return rows

    def _fc_unlease(self, ids):
        """End the leases of these rows (their attempts are committed)."""
        if ids:
            self.env.cr.execute(SQL(
                "SELECT pg_advisory_unlock(%s, id) FROM unnest(%s::int[]) id",
                LEASE_SPACE, list(ids)))

    def _fc_record(self, row, now, answer, context):
        """Record one attempt at ``row`` (made at ``now``) and schedule what follows."""
        attempts = row["attempt_count"] + 1
        verdict = webhooks.judge_attempt(attempts, now.replace(tzinfo=UTC), answer.status,
                                         answer.error, answer.retry_after)
        if verdict.outcome == webhooks.GONE:
            context.disable(row["service_id"], answer)
        state, error = verdict.state, verdict.error
        next_date = verdict.next_attempt and \
            verdict.next_attempt.astimezone(UTC).replace(tzinfo=None)
        self.env.cr.execute(SQL("""
            WITH attempt AS (
                -- No create_uid: the cron's user adds nothing to the history, and each
                -- user column is a foreign-key check on the drain's hot path.
                INSERT INTO fusion_billing_webhook_attempt
                       (webhook_id, attempt_date, http_status, duration_ms, outcome,
                        response_excerpt, error, create_date, write_date)
                VALUES (%(id)s, %(now)s, %(status)s, %(ms)s, %(outcome)s, %(excerpt)s,
                        %(error)s, %(now)s, %(now)s))
            UPDATE fusion_billing_webhook
               SET state = %(state)s, attempt_count = %(attempts)s,
                   next_attempt_date = %(next)s, last_attempt_date = %(now)s,
                   last_http_status = %(status)s, last_error = %(error)s,
                   delivered_date = CASE WHEN %(state)s = 'succeeded' THEN %(now)s
                                         ELSE delivered_date END,
                   write_date = %(now)s
             WHERE id = %(id)s
        """, id=row["id"], now=now, status=answer.status, ms=answer.duration_ms,
            outcome=verdict.outcome, excerpt=webhooks.excerpt(answer.body), error=error,
            state=state, attempts=attempts, next=next_date))
        self.invalidate_model(RECORDED_FIELDS)
        self.env["fusion.billing.webhook.attempt"].invalidate_model()
        if state == "dead":
            _logger.warning("webhook %s dead-lettered after %s attempts: %s",
                            row["webhook_uuid"], attempts, error)


def _send(target, row, now, gone):
    """One attempt over HTTP (no database: nothing is held open across the call but the
    claimed row's lease, an advisory lock outside any transaction).

    :param set gone: services whose app answered 410 Gone in this drain: not called again
    :return: the answer, or ``None`` when not sent
    :rtype: outbound_http.Answer
    """
    if row["service_id"] in gone:
        return None
    if target["problem"]:
        return outbound_http.Answer(None, "", None, 0,
                                    f"Endpoint refused: {target['problem']}")
    timestamp = int(now.replace(tzinfo=UTC).timestamp())
    headers = webhooks.headers(row["webhook_uuid"], timestamp, row["payload"],
                               target["secrets"])
    answer = outbound_http.post(target["url"], row["payload"], headers,
                                webhooks.CONNECT_TIMEOUT, webhooks.READ_TIMEOUT)
    if webhooks.outcome(answer.status) == webhooks.GONE:
        gone.add(row["service_id"])
    return answer


class _DrainContext:
    """What one drain knows of each service: its endpoint (checked once per drain, as a
    name can come to resolve elsewhere between drains), its valid secrets."""

    def __init__(self, env):
        self.env = env
        self.targets = {}
        self.gone = set()  # services that answered 410 Gone in this drain
        self.allow_private = private_endpoints_allowed(env)

    def target(self, service_id):
        if service_id not in self.targets:
            service = self.env["fusion.billing.service"].sudo().browse(service_id)
            self.targets[service_id] = {
                "url": service.webhook_url,
                "secrets": service._fc_signing_secrets(),
                "problem": webhooks.endpoint_problem(service.webhook_url, resolve,
                                                     self.allow_private)
                or (None if service.webhook_secret else "no_signing_secret"),
            }
        return self.targets[service_id]

    def disabled(self, service_id):
        return service_id in self.gone

    def disable(self, service_id, answer):
        self.gone.add(service_id)
        self.env["fusion.billing.service"].sudo().browse(service_id)._fc_disable_webhooks(
            answer)
