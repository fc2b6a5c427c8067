# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Draining the webhook outbox: claim due rows, sign, post, record the attempt, commit."""

import logging
import socket
import threading
from datetime import UTC

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.orm.environments import Transaction
from odoo.tools import SQL

from ..engine import webhooks
from . import outbound_http
from .fusion_billing_webhook import TEST_EVENT

_logger = logging.getLogger(__name__)

# Rows claimed at a time. A claimed row is leased: its next attempt is moved past the
# time the batch can take, so another server's drain leaves it alone until then, and a
# drain that dies mid-batch hands it back when the lease ends (at least once, never
# twice at once).
CLAIM_BATCH = 50
# Drains a cron run starts at once (each on its own database connection).
PARALLEL_DRAINS = 2
LEASE_SECONDS = CLAIM_BATCH * (webhooks.CONNECT_TIMEOUT + webhooks.READ_TIMEOUT) + 60
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
                _logger.exception("a webhook drain stopped; its leased rows come back "
                                  "when their lease ends")

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
        while limit is None or attempts < limit:
            batch = self._fc_claim(min(CLAIM_BATCH, limit - attempts) if limit else CLAIM_BATCH)
            commit()
            if not batch:
                break
            for row in batch:
                now = fields.Datetime.now()
                answer = _send(context.target(row["service_id"]), row, now, context.gone)
                if answer is None:
                    self._fc_release(row)  # the app said gone earlier in this drain
                else:
                    self._fc_record(row, now, answer, context)
                    attempts += 1
                commit()
        return attempts

    @api.model
    def _fc_claim(self, limit):
        """Lease up to ``limit`` due webhooks of services that can receive them.

        :return: dicts of id, service_id, webhook_uuid, payload, attempt_count
        """
        now = fields.Datetime.now()
        lease_end = fields.Datetime.add(now, seconds=LEASE_SECONDS)
        self.env.flush_all()
        for _try in range(5):
            try:
                self.env.cr.execute(SQL("""
                    UPDATE fusion_billing_webhook w
                       SET next_attempt_date = %(lease_end)s
                     WHERE w.id IN (
                        SELECT d.id
                          FROM fusion_billing_webhook d
                          JOIN fusion_billing_service s ON s.id = d.service_id
                         WHERE d.state IN ('pending', 'retrying')
                           AND d.next_attempt_date <= %(now)s
                           AND s.active AND s.webhook_url IS NOT NULL
                           AND s.webhook_disabled_date IS NULL
                           AND (s.mode = 'live' OR d.event_type = %(test)s)
                         ORDER BY d.next_attempt_date, d.id
                         LIMIT %(limit)s
                           FOR UPDATE OF d SKIP LOCKED)
                 RETURNING w.id, w.service_id, w.webhook_uuid, w.payload,
                           COALESCE(w.attempt_count, 0) AS attempt_count
                """, lease_end=lease_end, now=now, test=TEST_EVENT, limit=limit),
                log_exceptions=False)
                rows = self.env.cr.dictfetchall()
                break
            except (SerializationFailure, LockNotAvailable):
                # Another server leased a row between our snapshot and our lock: the
                # claim is the first statement of its transaction (the drain has just
                # committed), so a rollback loses nothing and takes a fresh snapshot.
                self.env.cr.rollback()
        else:
            rows = []
        self.invalidate_model(["next_attempt_date"])
        rows.sort(key=lambda row: row["id"])
        return rows

    def _fc_release(self, row):
        """Give a leased row back, due now, without an attempt."""
        self.env.cr.execute(SQL(
            "UPDATE fusion_billing_webhook SET next_attempt_date = %s WHERE id = %s",
            fields.Datetime.now(), row["id"]))
        self.invalidate_model(["next_attempt_date"])

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
    claimed row's lease).

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
