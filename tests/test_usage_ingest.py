# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Ingestion: identity of a push, replay policy, all-or-nothing batches, errors."""

from datetime import datetime
from decimal import Decimal

from odoo.tests import tagged

from odoo.addons.fusion_centralize_billing.engine.errors import ValidationFailure

from .usage_common import NOW, UsageCommon


@tagged("post_install", "-at_install")
class TestUsageIngest(UsageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.subscription = cls._subscription()
        cls.other = cls._subscription(external_id="sub-2")
        cls.Usage = cls.env["fusion.billing.usage"]

    def _ingest(self, pushes):
        return self.Usage._ingest(self.service, pushes, now=NOW)

    def test_a_push_is_stored_with_its_subscription_and_customer(self):
        [(usage, outcome)] = self._push([self._event("calls-10", "api_calls", "12.5")])
        self.assertEqual(outcome, "created")
        self.assertEqual(usage.subscription_id, self.subscription)
        self.assertEqual(usage.partner_id, self.partner)
        self.assertEqual(usage.metric_id, self.calls)
        self.assertEqual(usage.quantity, 12.5)
        self.assertEqual(usage.timestamp, datetime(2026, 10, 15, 12, 0))
        self.assertEqual(usage.properties, {"value": "12.5"})
        self.assertEqual(usage.state, "pushed")

    def test_one_transaction_id_for_every_subscription(self):
        results = self._push([
            self._event("calls-2026-10-15T12", "api_calls", 3),
            self._event("calls-2026-10-15T12", "api_calls", 4, sub="sub-2"),
        ])
        self.assertEqual([outcome for _usage, outcome in results], ["created", "created"])
        self.assertEqual(results[0][0].subscription_id, self.subscription)
        self.assertEqual(results[1][0].subscription_id, self.other)

    def test_identical_replay_returns_the_stored_row(self):
        [(first, _outcome)] = self._push([self._event("calls-1", "api_calls", "7")])
        [(again, outcome)] = self._push([self._event("calls-1", "api_calls", "7.000")])
        self.assertEqual((again, outcome), (first, "replayed"))
        self.assertEqual(again.revision, 0)

    def test_changed_replay_overwrites_with_a_trace(self):
        [(first, _outcome)] = self._push([self._event("calls-1", "api_calls", "7")])
        [(again, outcome)] = self._push([
            self._event("calls-1", "api_calls", "9.5", at="2026-10-15T12:30:00Z")])
        self.assertEqual((again, outcome), (first, "overwritten"))
        self.assertEqual(again.quantity, 9.5)
        self.assertEqual(again.previous_quantity, 7)
        self.assertEqual(again.previous_timestamp, datetime(2026, 10, 15, 12, 0))
        self.assertEqual(again.timestamp, datetime(2026, 10, 15, 12, 30))
        self.assertEqual(again.revision, 1)
        self.assertEqual(self.Usage.search_count([("transaction_id", "=", "calls-1")]), 1)

    def test_reject_policy_refuses_a_change_and_stores_nothing_of_the_batch(self):
        self._push([self._event("strict-1", "strict", "1")])
        results, errors = self._ingest([
            self._event("new-one", "api_calls", "5"),
            self._event("strict-1", "strict", "2"),
        ])
        self.assertEqual(results, [])
        self.assertEqual(errors, {"1": {"transaction_id": ["value_already_exist"]}})
        self.assertFalse(self.Usage.search([("transaction_id", "=", "new-one")]))
        self.assertEqual(self.Usage.search([("transaction_id", "=", "strict-1")]).quantity, 1)

    def test_every_invalid_push_gets_its_errors(self):
        results, errors = self._ingest([
            self._event("ok", "api_calls", "1"),
            self._event("bad-metric", "nope", "1"),
            self._event("bad-sub", "api_calls", "1", sub="sub-404"),
            self._event("bad-value", "api_calls", "1e999999"),
            self._event("bad-time", "api_calls", "1", at="last tuesday"),
            self._event("too-early", "api_calls", "1", at="2026-09-30T23:59:59Z"),
            self._event("future", "api_calls", "1", at="2026-11-24T12:06:00Z"),
            self._event("no-user", "users"),
            {"code": "api_calls", "external_subscription_id": "sub-1", "properties": {}},
        ])
        self.assertEqual(results, [])
        self.assertEqual(errors, {
            "1": {"code": ["metric_not_found"]},
            "2": {"external_subscription_id": ["subscription_not_found"]},
            "3": {"properties.value": ["value_is_not_valid_number"]},
            "4": {"timestamp": ["invalid_format"]},
            "5": {"timestamp": ["before_subscription_start"]},
            "6": {"timestamp": ["timestamp_in_the_future"]},
            "7": {"properties.user_id": ["value_is_mandatory"]},
            "8": {"transaction_id": ["value_is_mandatory"],
                  "properties.value": ["value_is_mandatory"]},
        })
        self.assertFalse(self.Usage.search([("transaction_id", "=", "ok")]))

    def test_an_archived_metric_takes_no_push(self):
        self.bandwidth.active = False
        _results, errors = self._ingest([self._event("bw", "bandwidth", "1")])
        self.assertEqual(errors, {"0": {"code": ["metric_not_found"]}})

    def test_another_services_subscription_is_not_found(self):
        desk = self._create_service(code="testdesk")
        self._create_metric(desk, code="api_calls")
        _results, errors = self.Usage._ingest(
            desk, [self._event("x", "api_calls", "1")], now=NOW)
        self.assertEqual(errors, {"0": {"external_subscription_id": ["subscription_not_found"]}})

    def test_two_different_pushes_of_one_key_in_a_batch_are_refused(self):
        _results, errors = self._ingest([
            self._event("dup", "api_calls", "1"), self._event("dup", "api_calls", "2"),
        ])
        self.assertEqual(errors, {"1": {"transaction_id": ["duplicated_in_batch"]}})
        results = self._push([self._event("dup", "api_calls", "1")] * 2)
        self.assertEqual([o for _u, o in results], ["created", "replayed"])
        self.assertEqual(results[0][0], results[1][0])

    def test_batch_size_is_checked(self):
        with self.assertRaises(ValidationFailure):
            self._ingest([])
        with self.assertRaises(ValidationFailure):
            self._ingest([self._event(f"t{i}", "api_calls", 1) for i in range(101)])
        self.assertEqual(len(self._push(
            [self._event(f"t{i}", "api_calls", 1) for i in range(100)])), 100)

    def test_exact_decimal_values_are_kept(self):
        [(usage, _outcome)] = self._push([self._event("precise", "sales", "0.1234567")])
        self.env.cr.execute("SELECT quantity::text FROM fusion_billing_usage WHERE id = %s",
                            [usage.id])
        self.assertEqual(Decimal(self.env.cr.fetchone()[0]), Decimal("0.1234567"))

    def test_a_terminated_subscription_takes_no_later_usage(self):
        self.subscription.end_date = "2026-10-20"
        _results, errors = self._ingest([
            self._event("late", "api_calls", "1", at="2026-10-21T00:00:00Z")])
        self.assertEqual(errors, {"0": {"timestamp": ["after_subscription_end"]}})
        self._push([self._event("last-day", "api_calls", "1", at="2026-10-20T23:59:59Z")])
