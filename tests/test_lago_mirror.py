# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Mirroring a Lago organization (served by a loopback fake) into a shadow service."""

import base64
from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .lago_common import (
    EXPECTED,
    HTTP_LOGGER,
    NOW,
    STORED_EVENTS,
    LagoCommon,
    event,
    local,
)


@tagged("post_install", "-at_install")
@freeze_time(NOW.replace(tzinfo=None))
class TestLagoMirror(LagoCommon):

    def _mirror(self, dry_run=False):
        service = self.service.with_user(self.billing_manager)
        action = service.action_lago_dry_run() if dry_run else service.action_lago_mirror()
        return self.env["fusion.billing.import.run"].browse(action["res_id"])

    @staticmethod
    def _rows(run):
        return {(line.table, line.key): line for line in run.line_ids}

    def _usage_count(self):
        return self.env["fusion.billing.usage"].search_count(
            [("service_id", "=", self.service.id)])

    # === DRY RUN, THEN THE MIRROR === #

    def test_a_dry_run_shows_the_mirror_and_writes_nothing(self):
        run = self._mirror(dry_run=True)
        self.assertTrue(run.dry_run)
        self.assertEqual(run.source_type, "lago")
        self.assertTrue(run.name.startswith("Lago dry run testmaps"))
        # 7 metrics, 3 plans, 10 charges, 6 customers, 5 subscriptions, 4 with events
        self.assertEqual(run.created_count, 7 + 3 + 10 + 6 + 5 + 4)
        self.assertEqual(run.updated_count, 0)
        self.assertFalse(self.service.metric_ids)
        self.assertFalse(self._orders())
        self.assertEqual(self._usage_count(), 0)
        self.assertFalse(self.env["fusion.billing.account.link"].search(
            [("service_id", "=", self.service.id)]))
        self.assertEqual(run.lago_events, sum(STORED_EVENTS.values()))
        # The dry run's rows are the real run's rows.
        real = self._mirror()
        self.assertEqual(
            sorted((r.table, r.key, r.outcome) for r in run.line_ids),
            sorted((r.table, r.key, r.outcome) for r in real.line_ids))

    def test_the_mirror_is_complete_and_exact(self):
        run = self._mirror()
        self.assertFalse(run.dry_run)
        # Catalogue: every metric Odoo aggregates as Lago does, plans, charges.
        metrics = {m.code: m for m in self.service.metric_ids}
        self.assertEqual(set(metrics), {"api_calls", "storage_gb", "cpu_peak",
                                        "active_users", "tier_level", "seats", "payments"})
        self.assertEqual([metrics[c].aggregation for c in ("api_calls", "storage_gb",
                                                              "cpu_peak", "active_users",
                                                              "tier_level")],
                         ["count", "sum", "max", "unique", "last"])
        self.assertTrue(metrics["seats"].recurring)
        self.assertEqual(metrics["storage_gb"].field_name, "gb")
        plans = self.env["sale.subscription.plan"].search(
            [("x_fc_service_id", "=", self.service.id)])
        by_code = {p.x_fc_plan_code: p for p in plans}
        self.assertEqual(set(by_code), {"startup", "scale", "legacy"})
        self.assertEqual((by_code["scale"].billing_period_unit,
                          by_code["scale"].billing_period_value), ("month", 3))
        self.assertEqual(by_code["startup"].x_fc_product_id.lst_price, 49.0)
        startup = {c.metric_id.code: c for c in by_code["startup"].x_fc_charge_ids}
        self.assertEqual({code: c.charge_model for code, c in startup.items()}, {
            "api_calls": "graduated", "storage_gb": "package", "cpu_peak": "volume",
            "active_users": "standard", "tier_level": "standard", "seats": "standard",
            "payments": "percentage"})
        self.assertEqual(startup["payments"].properties, {
            "rate": "2.5", "fixed_amount": "0.1", "free_units_per_events": 1})
        self.assertEqual(startup["api_calls"].properties["graduated_ranges"][1]["from_value"],
                         11)
        self.assertEqual(set(by_code["legacy"].x_fc_charge_ids.metric_id.mapped("code")),
                         {"active_users"})
        # Customers: one partner per client, emails matched whatever their case.
        links = {link.external_id: link for link in self.env["fusion.billing.account.link"].search(
            [("service_id", "=", self.service.id)])}
        self.assertEqual(len(links), 6)
        self.assertEqual(links["cus_maple"].partner_id, self.partner)
        self.assertEqual(links["cus_maple_eu"].partner_id, self.partner)
        self.assertEqual(links["cus_aurora"].partner_id, self.aurora)
        self.assertEqual(self.aurora.name, "Aurora Apps", "another service's partner keeps "
                                                         "its name")
        self.assertEqual(links["cus_solo"].partner_id.name, "Solo Dev")
        self.assertEqual(links["cus_north"].partner_id.email, "finance@northwind.example")
        # Subscriptions: shadow-safe, the app's dates, Lago's running period.
        orders = {o.x_fc_external_id: o for o in self._orders()}
        self.assertEqual(set(orders), {"sub_maple", "sub_aurora", "sub_solo", "sub_north",
                                       "sub_north_next"})
        for order in orders.values():
            self.assertTrue(order.x_fc_shadow)
            self.assertFalse(order.plan_id, "no native plan in shadow: never invoiced")
        maple = orders["sub_maple"]
        self.assertEqual((maple.start_date, maple._fc_usage_start(), maple.x_fc_usage_end),
                         (date(2026, 9, 10), date(2026, 11, 10), date(2026, 12, 10)))
        self.assertEqual(maple.x_fc_app_status, "active")
        aurora = orders["sub_aurora"]
        self.assertTrue(aurora.x_fc_calendar)
        self.assertEqual((aurora._fc_usage_start(), aurora.x_fc_usage_end),
                         (date(2026, 10, 1), date(2027, 1, 1)))
        solo = orders["sub_solo"]
        self.assertEqual((solo.start_date, solo.x_fc_usage_end),
                         (date(2026, 11, 5), date(2026, 12, 1)))
        self.assertEqual(solo.order_line.price_unit, 39.0, "Lago's overridden plan price")
        self.assertEqual(orders["sub_north_next"].start_date, date(2026, 12, 1))
        # Usage: the open period's events, and Odoo's current usage is Lago's, to the cent.
        for external_id, count in STORED_EVENTS.items():
            self.assertEqual(self.env["fusion.billing.usage"].search_count(
                [("subscription_id", "=", orders[external_id].id)]), count, external_id)
        for external_id, fees in EXPECTED.items():
            lago = {fee["billable_metric"]["code"]: fee["amount_cents"]
                    for fee in self.org.usage[external_id]["charges_usage"]}
            self.assertEqual(lago, fees)
            ours = self._usage_cents(external_id)
            self.assertEqual(ours, lago, external_id)
        self.assertEqual(self._order("sub_maple")._fc_current_usage(now=NOW)["total"] * 100,
                         self.org.usage["sub_maple"]["amount_cents"])
        self.assertEqual(run.lago_events, sum(STORED_EVENTS.values()))
        self.assertEqual(run.failed_count, len(run.line_ids.filtered(
            lambda r: r.outcome == "failed")))
        transaction_ids = set(self.env["fusion.billing.usage"].search(
            [("service_id", "=", self.service.id)]).mapped("transaction_id"))
        self.assertIn("m-calls-0", transaction_ids, "an event at the period's first instant")
        self.assertNotIn("m-old-edge", transaction_ids)
        self.assertIn("lago-opening:seats", transaction_ids)

    def test_a_re_run_changes_nothing(self):
        self._mirror()
        usage = self.env["fusion.billing.usage"].search([("service_id", "=", self.service.id)])
        stamps = {u.id: u.write_date for u in usage}
        orders = {o.id: o.write_date for o in self._orders()}
        again = self._mirror()
        self.assertEqual((again.created_count, again.updated_count, again.lago_events),
                         (0, 0, 0))
        self.assertFalse(again.line_ids.filtered(lambda r: r.outcome in ("created",
                                                                         "updated")))
        self.assertEqual({u.id: u.write_date for u in usage}, stamps)
        self.assertEqual({o.id: o.write_date for o in self._orders()}, orders)
        self.assertEqual(self._usage_count(), len(stamps))
        self.assertEqual(self._usage_cents("sub_maple"), EXPECTED["sub_maple"])
        # Its rows download as the import's do.
        text = base64.b64decode(again.csv_file).decode()
        self.assertIn("billable_metrics,api_calls,unchanged,as in Lago", text)
        self.assertEqual(len(text.splitlines()), len(again.line_ids) + 1)

    def test_changes_in_lago_come_over_and_nothing_is_deleted(self):
        self._mirror()
        plan = self.org.lists["plans"][0]
        plan["amount_cents"] = 5900
        plan["charges"][4]["properties"] = {"amount": "1.5"}  # tier_level
        self.org.lists["customers"][3]["name"] = "Solo Developer"
        self.org.lists["subscriptions"][3]["ending_at"] = "2027-01-01T05:00:00Z"
        self.org.lists["billable_metrics"].pop(6)  # payments left Lago
        run = self._mirror()
        rows = self._rows(run)
        self.assertEqual(rows[("plans", "startup")].outcome, "updated")
        self.assertEqual(rows[("charges", "startup/tier_level_standard")].outcome, "updated")
        self.assertEqual(rows[("customers", "cus_solo")].outcome, "updated")
        self.assertEqual(rows[("subscriptions", "sub_solo")].outcome, "updated")
        self.assertEqual(self._order("sub_solo").end_date, date(2026, 12, 31))
        self.assertEqual(self._usage_cents("sub_maple")["tier_level"], 750)
        self.assertIn("payments", self.service.metric_ids.mapped("code"), "never deleted")

    def test_new_events_after_a_run_come_over_once(self):
        self._mirror()
        before = self._usage_count()
        self.org.add_events([
            event("m-calls-new", "sub_maple", "api_calls", NOW - timedelta(minutes=10)),
            event("m-calls-late", "sub_maple", "api_calls", NOW - timedelta(minutes=50)),
            event("g-2", "sub_ghost", "api_calls", NOW - timedelta(minutes=5)),
        ])
        later = NOW + timedelta(minutes=5)
        with freeze_time(later.replace(tzinfo=None)):
            run = self.service._fc_lago_pull(now=later)
            self.assertEqual(run.lago_events, 2)
            self.assertEqual(run.source_type, "lago")
            self.assertIn("events since", run.source_label)
            self.assertEqual(self._usage_count(), before + 2)
            # 17 calls: 10 x 0.50 + 10 + 7 x 0.40
            self.assertEqual(self._usage_cents("sub_maple")["api_calls"], 1780)
            again = self.service._fc_lago_pull(now=later + timedelta(minutes=5))
            self.assertFalse(again, "nothing new: no run recorded")
            self.assertEqual(self._usage_count(), before + 2)

    def test_a_subscription_new_in_lago_comes_over_with_its_period_s_events(self):
        self._mirror()
        self.org.lists["subscriptions"].append(dict(
            self.org.lists["subscriptions"][3], external_id="sub_solo_2",
            lago_id="ls-sub_solo_2"))
        self.org.add_events([event("s2-calls", "sub_solo_2", "api_calls",
                                   local(2026, 11, 7))])
        later = NOW + timedelta(minutes=5)
        with freeze_time(later.replace(tzinfo=None)):
            run = self.service._fc_lago_pull(now=later)
        rows = self._rows(run)
        self.assertEqual(rows[("subscriptions", "sub_solo_2")].outcome, "created")
        self.assertEqual(rows[("events", "sub_solo_2")].reason,
                         "1 new event(s) of the open period stored as usage pushes")
        self.assertEqual(self._usage_cents("sub_solo_2")["api_calls"], 1050)

    # === WHAT ODOO DOES NOT CARRY === #

    def test_what_odoo_does_not_carry_is_reported_with_what_to_do(self):
        run = self._mirror()
        rows = self._rows(run)
        skipped = {
            ("billable_metrics", "gb_hours"): "weighted_sum_agg",
            ("billable_metrics", "rounded_minutes"): "rounds",
            ("plans", "euro"): "EUR",
            ("charges", "legacy/storage_gb_standard"): "filters",
            ("charges", "legacy/api_calls_standard"): "paid in advance",
            ("charges", "legacy/payments_dynamic"): "dynamic",
            ("charges", "legacy/cpu_peak_graduated_percentage"): "graduated_percentage",
            ("charges", "legacy/tier_level_standard"): "spending minimum",
            ("charges", "legacy/seats_standard"): "prorated",
            ("wallets", "cus_maple/prepaid"): "2500 cents",
            ("applied_coupons", "cus_aurora/WELCOME"): "10.0% off",
            ("add_ons", "setup"): "Setup fee",
            ("subscriptions", "sub_old"): "terminated in Lago",
            ("subscriptions", "sub_cancelled"): "cancelled in Lago",
            ("subscriptions", "sub_unpaid"): "first payment",
            ("events", "metric gb_hours"): "1 event(s)",
            ("events", "metric rounded_minutes"): "1 event(s)",
            ("events", "subscription sub_maple"): "Lago counts them as nothing",
        }
        for key, words in skipped.items():
            self.assertIn(key, rows)
            self.assertEqual(rows[key].outcome, "skipped", key)
            self.assertIn(words, rows[key].reason, key)
        advice = [key for key in skipped if key[0] in ("billable_metrics", "charges",
                                                         "wallets", "applied_coupons",
                                                         "add_ons")]
        for key in advice:
            self.assertIn("Instead:", rows[key].reason, key)
        self.assertIn("plan change to 'scale' scheduled",
                      run.line_ids.filtered(lambda r: r.key == "sub_maple"
                                            and r.outcome == "skipped").reason)
        legacy = rows[("plans", "legacy")]
        for words in ("minimum commitment", "usage thresholds", "trial of 14"):
            self.assertIn(words, legacy.reason)
        failed = {key: line for key, line in rows.items() if line.outcome == "failed"}
        self.assertEqual(set(failed), {("charges", "startup/gb_hours_standard"),
                                       ("subscriptions", "sub_euro"),
                                       ("events", "metric active_users")})
        self.assertIn("operation_type remove", failed[("events", "metric active_users")]
                      .reason)
        self.assertIn("America/Vancouver", rows[("customers", "cus_north")].reason)
        self.assertIn("overridden", rows[("subscriptions", "sub_solo")].reason)
        self.assertNotIn(("wallets", "cus_lapsed/old"), rows, "a terminated wallet is gone")

    # === THE KEY === #

    def test_the_key_never_appears_in_a_log_a_run_or_a_page(self):
        with self.assertLogs(level="DEBUG") as logs:
            run = self._mirror()
            self.fake.fail("status", 500, path="/api/v1/plans", times=10)
            with self.assertRaises(UserError):
                self._mirror()
        self.assertTrue(logs.output)
        self.assertFalse([line for line in logs.output if "lago_test_key" in line])
        texts = [run.source_label, *run.line_ids.mapped("reason"),
                 *run.line_ids.mapped("record_name")]
        self.assertFalse([text for text in texts if text and "lago_test_key" in text])
        # The service's form, as its administrators read it: no key, only "set".
        for user in (self.billing_manager, self.admin_user):
            view = self.service.with_user(user).get_views([(False, "form")])
            form = view["views"]["form"]["arch"]
            self.assertNotIn('name="lago_api_key"', form)
            names = [name for name in view["models"]["fusion.billing.service"]["fields"]]
            values = self.service.with_user(user).web_read({name: {} for name in names})[0]
            self.assertNotIn("lago_test_key", str(values))
            self.assertTrue(values["lago_api_key_set"])
            self.assertFalse(values["lago_api_key_new"])
        self.assertEqual(self.service.sudo().lago_api_key, "lago_test_key_5f0c1d2e3a4b")
        with self.assertRaises(AccessError):
            self.service.with_user(self.billing_manager).read(["lago_api_key"])
        # Read-only and the key in the header only.
        self.assertEqual({method for method, _path, _auth in self.fake.requests}, {"GET"})
        self.assertFalse([path for _m, path, _a in self.fake.requests if "lago_test" in path])

    def test_a_new_key_is_typed_in_never_shown_and_noted(self):
        manager = self.service.with_user(self.billing_manager)
        manager.lago_api_key_new = "lago_rotated_key"
        self.assertEqual(self.service.sudo().lago_api_key, "lago_rotated_key")
        self.assertIn("Lago API key changed", self.service.message_ids[0].body)
        self.assertNotIn("lago_rotated", str(self.service.message_ids.mapped("body")))
        with self.assertRaises(UserError):
            manager.write({"lago_api_key": "typed over"})
        with self.assertRaises(AccessError):
            self.service.with_user(self.billing_user).lago_api_key_new = "x"

    # === LAGO DOWN, RATE LIMITED, OR ANSWERING GARBAGE === #

    def _refused(self, words):
        with self.assertRaises(UserError) as caught:
            self._mirror()
        self.assertIn(words, str(caught.exception))
        self.assertIn("Nothing was written", str(caught.exception))
        self.assertNotIn("lago_test_key", str(caught.exception))
        self.assertFalse(self.service.metric_ids)
        self.assertFalse(self._orders())
        self.assertEqual(self._usage_count(), 0)
        self.assertFalse(self.env["fusion.billing.import.run"].search(
            [("service_id", "=", self.service.id)]))
        self.fake.faults.clear()

    def test_429_is_honoured_with_lago_s_rate_limit_headers(self):
        waits = []
        from odoo.addons.fusion_centralize_billing.models import lago_http
        self.patch(lago_http, "_sleep", waits.append)
        self.fake.fail("status", 429, {"x-ratelimit-limit": "100",
                                       "x-ratelimit-remaining": "0",
                                       "x-ratelimit-reset": "2"}, times=2)
        with mute_logger(HTTP_LOGGER):
            run = self._mirror()
        self.assertEqual(waits, [2.0, 2.0])
        self.assertEqual(run.created_count, 35)
        self.fake.fail("status", 429, {"retry-after": "1"}, path="/api/v1/customers",
                       times=20)
        with mute_logger(HTTP_LOGGER):
            with self.assertRaises(UserError) as caught:
                self._mirror()
        self.assertIn("429 Too Many Requests after 6 tries", str(caught.exception))

    def test_lago_refusing_the_key_down_or_answering_garbage_writes_nothing(self):
        from odoo.addons.fusion_centralize_billing.models import lago_http
        self.patch(lago_http, "_sleep", lambda _seconds: None)
        with mute_logger(HTTP_LOGGER):
            self.fake.fail("body", b"<html>Bad gateway</html>", path="/api/v1/plans")
            self._refused("is not JSON (text/html)")
            self.fake.fail("body", b'{"data": []}', path="/api/v1/customers")
            self._refused("is not a list of customers")
            self.fake.fail("status", 500, path="/api/v1/events", times=20)
            self._refused("Lago failed on GET /api/v1/events with 500")
            self.fake.fail("status", 503, path="/api/v1/events", times=20)
            self._refused("after 6 tries")
            self.fake.fail("close", path="/api/v1/subscriptions")
            self._refused("could not be reached")
            self.service.sudo().lago_api_key = "wrong"
            self._refused("refused the API key")
            self.service.sudo().write({"lago_api_key": "lago_test_key_5f0c1d2e3a4b",
                                       "lago_api_url": "http://127.0.0.1:9"})
            self._refused("could not be reached")

    # === THE CONTINUOUS MIRROR === #

    def test_the_cron_pulls_shadow_services_with_a_connection_only(self):
        live = self._create_service(name="Live", code="live_lago", mode="live")
        live.sudo().write({"lago_api_url": "http://127.0.0.1:9", "lago_api_key": "k",
                           "lago_mirror": True})
        self.patch(self.registry["ir.cron"], "_commit_progress",
                   lambda self_, processed=0, **_kw: 1000.0)
        self.env["fusion.billing.service"]._cron_fc_lago_mirror()
        self.assertTrue(self._orders())
        self.assertFalse(self.service.sudo().lago_last_error)
        self.assertTrue(self.service.sudo().lago_full_run_at)
        self.assertFalse(live.sudo().lago_pulled_at, "a live service is not mirrored")
        # Unticked, the mirror stops.
        self.service.with_user(self.billing_manager).lago_mirror = False
        pulled = self.service.sudo().lago_pulled_at
        self.env["fusion.billing.service"]._cron_fc_lago_mirror()
        self.assertEqual(self.service.sudo().lago_pulled_at, pulled)

    def test_a_live_service_is_not_mirrored(self):
        self.service.mode = "live"
        with self.assertRaises(UserError):
            self._mirror()
        self.assertFalse(self._orders())
        run = self._mirror(dry_run=True)
        self.assertTrue(run.dry_run)
        self.assertFalse(self._orders())

    def test_a_failed_pull_is_kept_on_the_service_and_rolled_back(self):
        from odoo.addons.fusion_centralize_billing.models import lago_http
        self.patch(lago_http, "_sleep", lambda _seconds: None)
        self.fake.fail("status", 500, path="/api/v1/events", times=50)
        with mute_logger(HTTP_LOGGER, "odoo.addons.fusion_centralize_billing.models."
                                      "fusion_billing_service_lago"):
            self.assertFalse(self.service._fc_lago_pull(now=NOW))
        self.assertIn("Lago failed on GET /api/v1/events", self.service.sudo().lago_last_error)
        self.assertFalse(self._orders())
        self.assertFalse(self.service.sudo().lago_pulled_at)

    # === LAGO'S INVOICES, FOR THE DUAL RUN === #

    def test_lago_s_invoices_in_the_dual_run_s_shape(self):
        rows = self.service._fc_lago_invoices()
        self.assertEqual(rows, [
            {"invoice_id": "inv-maple-oct", "external_subscription_id": "sub_maple",
             "from_date": date(2026, 10, 10), "to_date": date(2026, 11, 9),
             "currency": self.currency, "amount_cents": 8700,
             "fees": [{"billable_metric_code": "api_calls", "amount_cents": 1300},
                      {"billable_metric_code": "seats", "amount_cents": 2500},
                      {"billable_metric_code": "storage_gb", "amount_cents": 0}]},
            {"invoice_id": "inv-aurora-q3", "external_subscription_id": "sub_aurora",
             "from_date": date(2026, 8, 15), "to_date": date(2026, 9, 30),
             "currency": self.currency, "amount_cents": 14951,
             "fees": [{"billable_metric_code": "api_calls", "amount_cents": 1}]},
        ])
        listed = [path for _m, path, _a in self.fake.requests if "/invoices" in path]
        self.assertIn("status=finalized", listed[0])
        self.assertEqual(len(listed), 3, "the list, then each counted invoice")

    def test_the_dual_run_reads_lago_s_invoices_as_the_app_s_side(self):
        """Issue 18's Lago way in: the daily read takes Lago's invoices into the dual run,
        the same rows the API would make of them."""
        self._mirror()
        self.service.sudo().app_invoice_source = "lago"
        with freeze_time(NOW.replace(tzinfo=None)):
            results, errors = self.service._fc_read_app_invoices()
        self.assertEqual(errors, {})
        self.assertEqual([outcome for _record, outcome in results], ["created", "created"])
        invoices = self.env["fusion.billing.app.invoice"].search(
            [("service_id", "=", self.service.id)], order="name")
        self.assertEqual(
            [(i.name, i.external_subscription_id, i.amount_cents, i.source) for i in invoices],
            [("inv-aurora-q3", "sub_aurora", 14951, "lago"),
             ("inv-maple-oct", "sub_maple", 8700, "lago")])
        lines = self.env["fusion.billing.reconciliation"].search(
            [("service_id", "=", self.service.id), ("app_reported", "=", True)])
        self.assertEqual(
            sorted((line.subscription_key, line.metric_code or "total", line.app_amount)
                   for line in lines),
            [("sub_aurora", "api_calls", 0.01), ("sub_aurora", "total", 149.51),
             ("sub_maple", "api_calls", 13.0), ("sub_maple", "seats", 25.0),
             ("sub_maple", "storage_gb", 0.0), ("sub_maple", "total", 87.0)])
        # The same invoices sent through the API are the rows Lago made: unchanged.
        _results, errors = self.env["fusion.billing.app.invoice"]._fc_intake(
            self.service, self.service._fc_lago_invoices(), "api")
        self.assertEqual([outcome for _r, outcome in _results], ["unchanged", "unchanged"])
        self.assertEqual(errors, {})
