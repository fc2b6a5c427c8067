# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Scoped keys (read, or read and write, on some resources) and the API log."""

from datetime import timedelta

from odoo.tests import freeze_time, tagged

from .api_common import SERVER_NOW, ApiCommon


# The dates below are of November 2026: the server's today is SERVER_NOW (ApiCommon's
# clock, said here again so that this file reads on its own).
@tagged("post_install", "-at_install")
@freeze_time(SERVER_NOW, tick=True)
class TestApiScopes(ApiCommon):
    def _key(self, access="read_write", resources=()):
        Resource = self.env["fusion.billing.api.resource"]
        return self.service.sudo()._generate_key(
            "scoped", access, Resource.search([("code", "in", list(resources))]))

    def _forbidden(self, method, path, key, body=None):
        payload = self.error(method, path, body, status=403, key=key)
        self.assertEqual(payload["error"], "Forbidden")
        return payload["code"]

    # === SCOPES === #

    def test_a_read_only_key_reads_and_never_writes(self):
        self.customer()
        self.subscribe()
        key = self._key("read")
        self.assertEqual(self.ok("GET", "/customers/cus_1", key=key)["customer"]["external_id"],
                         "cus_1")
        self.assertEqual(self.ok("GET", "/plans", key=key)["meta"]["total_count"], 2)
        for method, path, body, code in (
            ("POST", "/customers", {"customer": {"external_id": "cus_2"}},
             "write_action_not_allowed_for_customer"),
            ("POST", "/events", {"event": self.event("tx-1", 1)},
             "write_action_not_allowed_for_event"),
            ("POST", "/events/batch", {"events": [self.event("tx-2", 1)]},
             "write_action_not_allowed_for_event"),
            ("DELETE", "/subscriptions/sub_1", None, "write_action_not_allowed_for_subscription"),
            ("POST", "/invoices/nope/download", None, "write_action_not_allowed_for_invoice"),
        ):
            with self.subTest(method=method, path=path):
                self.assertEqual(self._forbidden(method, path, key, body), code)
        self.assertFalse(self.env["fusion.billing.account.link"].search(
            [("external_id", "=", "cus_2")]))
        self.assertFalse(self.env["fusion.billing.usage"].search(
            [("transaction_id", "in", ("tx-1", "tx-2"))]))
        self.assertEqual(self.ok("GET", "/subscriptions/sub_1", key=key)["subscription"]
                         ["status"], "active", "the refused DELETE changed nothing")

    def test_a_key_limited_to_events_pushes_and_reads_nothing_else(self):
        self.customer()
        self.subscribe(subscription_at="2026-11-01")
        key = self._key("read_write", ["events"])
        pushed = self.ok("POST", "/events", {"event": self.event(
            "calls-1", 3, timestamp="2026-11-02T10:00:00Z")}, key=key)["event"]
        self.assertEqual(pushed["transaction_id"], "calls-1")
        self.assertEqual(self.ok("GET", "/events/calls-1", key=key)["event"]["lago_id"],
                         pushed["lago_id"])
        for path, code in (
            ("/customers", "read_action_not_allowed_for_customer"),
            ("/customers/cus_1/current_usage?external_subscription_id=sub_1",
             "read_action_not_allowed_for_customer_usage"),
            ("/subscriptions/sub_1", "read_action_not_allowed_for_subscription"),
            ("/plans/pro", "read_action_not_allowed_for_plan"),
            ("/billable_metrics", "read_action_not_allowed_for_billable_metric"),
            ("/invoices", "read_action_not_allowed_for_invoice"),
        ):
            with self.subTest(path=path):
                self.assertEqual(self._forbidden("GET", path, key), code)
        self.assertEqual(self._forbidden("POST", "/customers", key, {"customer": {
            "external_id": "cus_9"}}), "write_action_not_allowed_for_customer")
        # A route that does not exist is not a resource: 404, as for any key.
        self.assertEqual(self.error("GET", "/wallets", status=404, key=key)["code"],
                         "route_not_found")

    def test_keys_read_and_write_everything_unless_told_and_the_wizard_sets_the_scope(self):
        Key = self.env["fusion.billing.service.key"]
        existing = Key.search([("service_id", "=", self.service.id)])
        self.assertEqual(set(existing.mapped("access")), {"read_write"})
        self.assertFalse(existing.resource_ids)
        wizard = self.env["fusion.billing.key.wizard"].create({
            "service_id": self.service.id, "name": "dashboard", "access": "read",
            "resource_ids": [(6, 0, self.env.ref(
                "fusion_centralize_billing.api_resource_invoices").ids)],
        })
        wizard.action_generate()
        made = Key.search([("service_id", "=", self.service.id), ("name", "=", "dashboard")])
        self.assertEqual((made.access, made.resource_ids.mapped("code")), ("read", ["invoices"]))
        self.assertIn("Read Only, Invoices", self.service.message_ids[0].body)
        self.assertEqual(self.ok("GET", "/invoices", key=wizard.key)["invoices"], [])
        self.assertEqual(self._forbidden("GET", "/customers", wizard.key),
                         "read_action_not_allowed_for_customer")
        made.access = "read_write"
        self.assertIn("Read and Write, Invoices", self.service.message_ids[0].body)

    # === THE API LOG === #

    def _log(self):
        return self.env["fusion.billing.api.log"].search(
            [("service_id", "=", self.service.id)], order="id")

    def test_every_call_of_a_key_is_logged_without_body_or_key(self):
        self.service.api_log_days = 30
        self.customer()
        self.error("POST", "/events", {"event": self.event("tx-1", 1, sub="nope")})
        self.ok("GET", "/customers/cus_1")
        self.error("GET", "/customers/cus_404", status=404)
        self.error("GET", "/customers", status=401, key="fcb_" + "0" * 40)
        read_only = self._key("read")
        self.error("POST", "/customers", {"customer": {"external_id": "x"}}, status=403,
                   key=read_only)
        rows = [(row.method, row.route, row.status, row.key_prefix, row.error_code)
                for row in self._log()]
        prefix, ro_prefix = self.key[4:12], read_only[4:12]
        self.assertEqual(rows, [
            ("POST", "/customers", 200, prefix, False),
            ("POST", "/events", 422, prefix,
             "validation_errors: subscription_not_found"),
            ("GET", "/customers/{external_id}", 200, prefix, False),
            ("GET", "/customers/{external_id}", 404, prefix, "customer_not_found"),
            ("POST", "/customers", 403, ro_prefix, "write_action_not_allowed_for_customer"),
        ])
        self.assertTrue(all(row.duration_ms > 0 and row.date for row in self._log()))
        self.env.cr.execute("SELECT row_to_json(l)::text FROM fusion_billing_api_log l"
                            " WHERE service_id = %s", [self.service.id])
        stored = " ".join(text for (text,) in self.env.cr.fetchall())
        for secret in (self.key, read_only, "cus_1", "cus_404", "tx-1", "nope"):
            self.assertNotIn(secret, stored, "no key, id or body in the log")

    def test_a_service_that_keeps_no_log_logs_nothing(self):
        self.service.api_log_days = 0
        self.customer()
        self.assertFalse(self._log())

    def test_the_clean_up_keeps_each_service_its_days(self):
        self.service.api_log_days = 30
        self.other.api_log_days = 7
        Log = self.env["fusion.billing.api.log"]
        # The log is dated and cleaned on the database's clock (the API tests freeze
        # Python's): the test reads the same clock.
        now = self.env.cr.now()
        for service, days_ago in ((self.service, 31), (self.service, 29),
                                  (self.other, 8), (self.other, 6)):
            Log._fc_write(service.id, "GET", "/plans", 200, 1.0, "0000abcd", None)
            self.env.cr.execute(
                "UPDATE fusion_billing_api_log SET date = %s WHERE id = "
                "(SELECT max(id) FROM fusion_billing_api_log)",
                [now - timedelta(days=days_ago)])
        # An HttpCase runs in the registry's test mode: the cron's commits are savepoints.
        self.env.ref("fusion_centralize_billing.ir_cron_fusion_billing_clean_api_log") \
            .method_direct_trigger()
        kept = Log.search([("service_id", "in", (self.service | self.other).ids)])
        self.assertEqual(
            sorted((row.service_id.code, (now - row.date).days) for row in kept),
            [("apicloud", 29), ("apidesk", 6)])
