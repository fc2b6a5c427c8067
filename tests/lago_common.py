# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The Lago organization the mirror tests read, served by ``lago_fake`` on loopback.

Every aggregation and charge model, customers whose emails differ only by case from
partners Odoo already has, subscriptions in every status, events across two periods,
and what Odoo does not carry. The current usage Lago would show for each subscription
(:data:`EXPECTED`) is worked out by hand below, charge by charge, from Lago's documented
rules, never by the engine under test.
"""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from odoo.tests import new_test_user

from .common import MANAGER_GROUP, FusionBillingCommon
from .lago_fake import FakeLago, LagoOrg, event, iso

KEY = "lago_test_key_5f0c1d2e3a4b"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 07:00 in Toronto
TORONTO = ZoneInfo("America/Toronto")
VANCOUVER = ZoneInfo("America/Vancouver")
HTTP_LOGGER = "odoo.addons.fusion_centralize_billing.models.lago_http"
MIRROR_LOGGER = "odoo.addons.fusion_centralize_billing.models.fusion_billing_lago_mirror"


def local(year, month, day, hour=0, minute=0, zone=TORONTO):
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


# What Lago's current usage is, per subscription and metric, in cents (worked by hand).
EXPECTED = {
    "sub_maple": {
        # 15 calls, graduated 0-10 at 0.50 + 10 flat, 11+ at 0.40: 5.00 + 10 + 2.00
        "api_calls": 1700,
        # 2500 GB (1200 + 1300; a push without gb counts nothing), package 30 per 1000,
        # 100 free: ceil(2400 / 1000) = 3 packages = 90.00
        "storage_gb": 9000,
        # peak 6 cpus, volume 0-4 at 2 + 1 flat / 4+ at 1.50: 6 x 1.50 = 9.00
        "cpu_peak": 900,
        # 3 distinct users (u1, u2, u3) at 3.00
        "active_users": 900,
        # latest level 5 (stamped 20 Nov, pushed before the 15 Nov one) at 1.25
        "tier_level": 625,
        # recurring seats 3 + 2 (October) - 1 + 4 (November) = 8 at 5.00
        "seats": 4000,
        # 400 paid (100 + 50 + 250); the first event free: (400 - 100) x 2.5 % = 7.50,
        # + 2 paid events x 0.10 = 0.20
        "payments": 770,
    },
    "sub_aurora": {
        # 12 calls (calendar quarter from 1 October) at 0.002: 0.024, rounded half-up
        "api_calls": 2,
        # 150 GB (80 + 70), graduated 0-100 free, 100+ at 0.05: 2.50
        "storage_gb": 250,
    },
    "sub_solo": {
        "api_calls": 1150,  # 3 calls: 3 x 0.50 + 10 flat
        "storage_gb": 0,  # 0 GB, 100 free
        "cpu_peak": 100,  # 0 cpus: the first volume tier's flat fee, as Lago bills it
        "active_users": 0,
        "tier_level": 0,
        "seats": 1000,  # 2 seats at 5.00
        "payments": 0,  # no payment: no fixed fee either
    },
    # The legacy plan's other charges are not carried (filters, pay in advance...).
    "sub_north": {"active_users": 200},  # u1 and u2 at 1.00 (the "remove" not carried)
}
# Usage rows the mirror stores per subscription: the open period's events it carries
# (sub_maple: 15 calls, 2 storage pushes of 3, 3 cpu, 4 users, 3 levels, 2 seats, 3
# payments) and sub_maple's opening of its recurring seats (3 + 2 from October).
STORED_EVENTS = {"sub_maple": 15 + 2 + 3 + 4 + 3 + 2 + 3 + 1, "sub_aurora": 12 + 2,
                 "sub_solo": 3 + 1, "sub_north": 2 + 1 + 1}


def _metric(code, aggregation, field=None, **values):
    return {"lago_id": f"bm-{code}", "name": code.replace("_", " ").title(), "code": code,
            "description": None, "aggregation_type": aggregation, "weighted_interval": None,
            "recurring": False, "rounding_function": None, "rounding_precision": None,
            "created_at": "2026-01-05T10:00:00Z", "field_name": field, "expression": None,
            "filters": [], **values}


def _charge(metric, model, properties, **values):
    return {"lago_id": f"ch-{metric}-{model}", "lago_billable_metric_id": f"bm-{metric}",
            "code": f"{metric}_{model}", "invoice_display_name": None,
            "billable_metric_code": metric, "created_at": "2026-01-05T10:00:00Z",
            "charge_model": model, "invoiceable": True, "regroup_paid_fees": None,
            "pay_in_advance": False, "prorated": False, "min_amount_cents": 0,
            "accepts_target_wallet": False, "properties": properties,
            "applied_pricing_unit": None, "lago_parent_id": None, "filters": [], **values}


def _plan(code, interval, cents, charges, currency="CAD", **values):
    return {"lago_id": f"pl-{code}", "name": code.title(), "invoice_display_name": None,
            "created_at": "2026-01-05T10:00:00Z", "code": code, "interval": interval,
            "description": None, "amount_cents": cents, "amount_currency": currency,
            "trial_period": 0.0, "pay_in_advance": True, "bill_charges_monthly": None,
            "bill_fixed_charges_monthly": None, "parent_id": None, "charges": charges,
            "usage_thresholds": [], "taxes": [], **values}


def _customer(external_id, name, email, zone="America/Toronto"):
    return {"lago_id": f"lc-{external_id}", "external_id": external_id, "name": name,
            "firstname": None, "lastname": None, "email": email, "phone": None,
            "country": "CA", "currency": "CAD", "timezone": zone,
            "applicable_timezone": zone, "address_line1": None, "city": None,
            "zipcode": None, "legal_name": None, "tax_identification_number": None}


def _subscription(external_id, customer, plan, status, start, period=None, **values):
    period_start, period_end = period or (None, None)
    return {"lago_id": f"ls-{external_id}-{status}", "external_id": external_id,
            "lago_customer_id": f"lc-{customer}", "external_customer_id": customer,
            "name": None, "plan_code": plan, "plan_amount_cents": None,
            "plan_amount_currency": "CAD", "status": status, "billing_time": "anniversary",
            "subscription_at": iso(start), "started_at": iso(start, millis=True)
            if status in ("active", "terminated") else None,
            "trial_ended_at": None, "ending_at": None, "terminated_at": None,
            "canceled_at": None, "created_at": iso(start), "previous_plan_code": None,
            "next_plan_code": None, "downgrade_plan_date": None,
            "current_billing_period_started_at": period_start and iso(period_start),
            "current_billing_period_ending_at": period_end and iso(period_end),
            **values}


GRADUATED = {"graduated_ranges": [
    {"from_value": 0, "to_value": 10, "per_unit_amount": "0.5", "flat_amount": "10"},
    {"from_value": 11, "to_value": None, "per_unit_amount": "0.4", "flat_amount": "0"}]}
VOLUME = {"volume_ranges": [
    {"from_value": 0, "to_value": 4, "per_unit_amount": "2", "flat_amount": "1"},
    {"from_value": 4, "to_value": None, "per_unit_amount": "1.5", "flat_amount": "0"}]}


def build_org(currency="CAD"):
    """The organization, its amounts in ``currency`` (the test company's: Lago's
    organization bills in the currency of the Odoo company that takes it over)."""
    org = _build_org()
    if currency != "CAD":
        swap = json.dumps([org.lists, org.invoices, org.usage]).replace(
            '"CAD"', json.dumps(currency))
        org.lists, org.invoices, org.usage = json.loads(swap)
    return org


def _build_org():
    org = LagoOrg()
    org.lists["billable_metrics"] = [
        _metric("api_calls", "count_agg"),
        _metric("storage_gb", "sum_agg", "gb"),
        _metric("cpu_peak", "max_agg", "cpus"),
        _metric("active_users", "unique_count_agg", "user_id"),
        _metric("tier_level", "latest_agg", "level"),
        _metric("seats", "sum_agg", "seats", recurring=True),
        _metric("payments", "sum_agg", "amount"),
        _metric("gb_hours", "weighted_sum_agg", "gb", weighted_interval="seconds"),
        _metric("rounded_minutes", "sum_agg", "minutes", rounding_function="ceil"),
    ]
    startup = [
        _charge("api_calls", "graduated", GRADUATED),
        _charge("storage_gb", "package", {"amount": "30", "package_size": 1000,
                                          "free_units": 100}),
        _charge("cpu_peak", "volume", VOLUME),
        _charge("active_users", "standard", {"amount": "3", "pricing_group_keys": []}),
        _charge("tier_level", "standard", {"amount": "1.25"}),
        _charge("seats", "standard", {"amount": "5"}),
        _charge("payments", "percentage", {
            "rate": "2.5", "fixed_amount": "0.1", "free_units_per_events": 1,
            "free_units_per_total_aggregation": None, "per_transaction_max_amount": None}),
        _charge("gb_hours", "standard", {"amount": "0.01"}),
    ]
    scale = [
        _charge("api_calls", "standard", {"amount": "0.002"}),
        _charge("storage_gb", "graduated", {"graduated_ranges": [
            {"from_value": 0, "to_value": 100, "per_unit_amount": "0", "flat_amount": "0"},
            {"from_value": 100, "to_value": None, "per_unit_amount": "0.05",
             "flat_amount": "0"}]}),
    ]
    legacy = [
        _charge("active_users", "standard", {"amount": "1"}),
        _charge("storage_gb", "standard", {"amount": "0.5"}, filters=[
            {"invoice_display_name": "EU", "properties": {"amount": "0.7"},
             "values": {"region": ["eu"]}}]),
        _charge("api_calls", "standard", {"amount": "0.01"}, pay_in_advance=True),
        _charge("payments", "dynamic", {}),
        _charge("cpu_peak", "graduated_percentage", {"graduated_percentage_ranges": []}),
        _charge("tier_level", "standard", {"amount": "1"}, min_amount_cents=500),
        _charge("seats", "standard", {"amount": "2"}, prorated=True),
    ]
    org.lists["plans"] = [
        _plan("startup", "monthly", 4900, startup),
        _plan("scale", "quarterly", 29900, scale),
        _plan("legacy", "monthly", 1900, legacy, trial_period=14.0,
              minimum_commitment={"amount_cents": 5000, "interval": "monthly"},
              usage_thresholds=[{"amount_cents": 10000, "recurring": False}]),
        _plan("euro", "monthly", 1000, [], currency="EUR"),
    ]
    org.lists["customers"] = [
        _customer("cus_maple", "Maple Leaf Hosting", "billing@mapleleaf.example"),
        _customer("cus_maple_eu", "Maple Leaf EU", "BILLING@MAPLELEAF.EXAMPLE"),
        _customer("cus_aurora", "Aurora", "OPS@Aurora.example"),
        _customer("cus_solo", "Solo Dev", None),
        _customer("cus_north", "Northwind", "finance@northwind.example",
                  zone="America/Vancouver"),
        _customer("cus_lapsed", "Lapsed Ltd", "lapsed@example.ca"),
    ]
    org.lists["subscriptions"] = [
        _subscription("sub_maple", "cus_maple", "startup", "active", local(2026, 9, 10),
                      (local(2026, 11, 10), local(2026, 12, 10) - timedelta(seconds=1)),
                      plan_amount_cents=4900),
        _subscription("sub_maple", "cus_maple", "scale", "pending", local(2026, 12, 10),
                      previous_plan_code="startup", downgrade_plan_date="2026-12-10"),
        _subscription("sub_aurora", "cus_aurora", "scale", "active", local(2026, 8, 15),
                      (local(2026, 10, 1), local(2027, 1, 1) - timedelta(seconds=1)),
                      billing_time="calendar", plan_amount_cents=29900),
        _subscription("sub_solo", "cus_solo", "startup", "active", local(2026, 11, 5),
                      (local(2026, 11, 5), local(2026, 12, 1) - timedelta(seconds=1)),
                      billing_time="calendar", plan_amount_cents=3900),
        _subscription("sub_north", "cus_north", "legacy", "active",
                      local(2026, 10, 3, zone=VANCOUVER),
                      (local(2026, 11, 3, zone=VANCOUVER),
                       local(2026, 12, 3, zone=VANCOUVER) - timedelta(seconds=1)),
                      plan_amount_cents=1900),
        _subscription("sub_north_next", "cus_north", "startup", "pending",
                      local(2026, 12, 1, zone=VANCOUVER), plan_amount_cents=4900),
        _subscription("sub_old", "cus_lapsed", "startup", "terminated", local(2026, 6, 1),
                      terminated_at=iso(local(2026, 11, 3))),
        _subscription("sub_cancelled", "cus_lapsed", "startup", "canceled",
                      local(2026, 12, 15), canceled_at=iso(local(2026, 11, 2))),
        _subscription("sub_unpaid", "cus_lapsed", "startup", "incomplete", local(2026, 11, 20)),
        _subscription("sub_euro", "cus_lapsed", "euro", "active", local(2026, 10, 1),
                      (local(2026, 11, 1), local(2026, 12, 1) - timedelta(seconds=1))),
    ]
    org.lists["wallets"] = [
        {"lago_id": "w-1", "external_customer_id": "cus_maple", "code": "prepaid",
         "status": "active", "currency": "CAD", "name": "Prepaid", "balance_cents": 2500},
        {"lago_id": "w-2", "external_customer_id": "cus_lapsed", "code": "old",
         "status": "terminated", "currency": "CAD", "name": "Old", "balance_cents": 0},
    ]
    org.lists["applied_coupons"] = [
        {"lago_id": "ac-1", "coupon_code": "WELCOME", "coupon_name": "Welcome",
         "external_customer_id": "cus_aurora", "status": "active", "amount_cents": None,
         "amount_currency": None, "percentage_rate": "10.0", "frequency": "recurring",
         "frequency_duration": 3},
        {"lago_id": "ac-2", "coupon_code": "OLD", "external_customer_id": "cus_lapsed",
         "status": "terminated", "amount_cents": 500, "amount_currency": "CAD",
         "percentage_rate": None, "frequency": "once"},
    ]
    org.lists["add_ons"] = [{"lago_id": "ao-1", "code": "setup", "name": "Setup fee",
                             "amount_cents": 9900, "amount_currency": "CAD"}]
    org.events = events()
    org.usage = {
        sub: {"from_datetime": None, "to_datetime": None, "currency": "CAD",
              "amount_cents": sum(fees.values()), "taxes_amount_cents": 0,
              "charges_usage": [{"billable_metric": {"code": code}, "amount_cents": cents}
                                for code, cents in fees.items()]}
        for sub, fees in EXPECTED.items()}
    org.lists["invoices"], org.invoices = invoices()
    return org


def events():
    maple = [event(f"m-calls-{i}", "sub_maple", "api_calls", local(2026, 11, 10) +
                   timedelta(hours=5 * i)) for i in range(15)]
    maple += [
        event("m-st-1", "sub_maple", "storage_gb", local(2026, 11, 11), gb=1200),
        event("m-st-2", "sub_maple", "storage_gb", local(2026, 11, 18), gb="1300"),
        event("m-st-3", "sub_maple", "storage_gb", local(2026, 11, 19), region="ca"),
        event("m-cpu-1", "sub_maple", "cpu_peak", local(2026, 11, 12), cpus=3),
        event("m-cpu-2", "sub_maple", "cpu_peak", local(2026, 11, 14), cpus=6),
        event("m-cpu-3", "sub_maple", "cpu_peak", local(2026, 11, 20), cpus=5),
        event("m-u-1", "sub_maple", "active_users", local(2026, 11, 12), user_id="u1"),
        event("m-u-2", "sub_maple", "active_users", local(2026, 11, 13), user_id="u2"),
        event("m-u-3", "sub_maple", "active_users", local(2026, 11, 15), user_id="u1"),
        event("m-u-4", "sub_maple", "active_users", local(2026, 11, 16), user_id="u3"),
        event("m-t-1", "sub_maple", "tier_level", local(2026, 11, 11), level=2),
        event("m-t-3", "sub_maple", "tier_level", local(2026, 11, 20), level=5),
        event("m-t-2", "sub_maple", "tier_level", local(2026, 11, 15), level=3),
        event("m-s-3", "sub_maple", "seats", local(2026, 11, 12), seats=-1),
        event("m-s-4", "sub_maple", "seats", local(2026, 11, 21), seats=4),
        event("m-p-1", "sub_maple", "payments", local(2026, 11, 11), amount=100),
        event("m-p-2", "sub_maple", "payments", local(2026, 11, 13), amount="50"),
        event("m-p-3", "sub_maple", "payments", local(2026, 11, 19), amount=250.0),
        event("m-gbh-1", "sub_maple", "gb_hours", local(2026, 11, 12), gb=10),
        event("m-rm-1", "sub_maple", "rounded_minutes", local(2026, 11, 12), minutes=3.4),
        # The previous period (billed by Lago): never mirrored, but the seats carry over.
        event("m-old-edge", "sub_maple", "api_calls",
              local(2026, 11, 10) - timedelta(milliseconds=1)),
        event("m-old-calls", "sub_maple", "api_calls", local(2026, 10, 20)),
        event("m-old-st", "sub_maple", "storage_gb", local(2026, 10, 15), gb=500),
        event("m-s-1", "sub_maple", "seats", local(2026, 10, 12), seats=3),
        event("m-s-2", "sub_maple", "seats", local(2026, 10, 20), seats=2),
    ]
    aurora = [event(f"a-calls-{i}", "sub_aurora", "api_calls", local(2026, 10, 2) +
                    timedelta(days=4 * i)) for i in range(12)]
    aurora += [
        event("a-st-1", "sub_aurora", "storage_gb", local(2026, 10, 5), gb=80),
        event("a-st-2", "sub_aurora", "storage_gb", local(2026, 11, 2), gb=70),
        event("a-old-calls", "sub_aurora", "api_calls", local(2026, 9, 20)),
        event("a-old-st", "sub_aurora", "storage_gb", local(2026, 9, 10), gb=40),
    ]
    solo = [event(f"s-calls-{i}", "sub_solo", "api_calls", local(2026, 11, 6, 9 + i))
            for i in range(3)]
    solo += [event("s-seats", "sub_solo", "seats", local(2026, 11, 6), seats=2)]
    north = [
        event("n-u-1", "sub_north", "active_users", local(2026, 11, 5, zone=VANCOUVER),
              user_id="u1"),
        event("n-u-2", "sub_north", "active_users", local(2026, 11, 6, zone=VANCOUVER),
              user_id="u2"),
        event("n-u-3", "sub_north", "active_users", local(2026, 11, 8, zone=VANCOUVER),
              user_id="u2", operation_type="remove"),
        event("n-st-1", "sub_north", "storage_gb", local(2026, 11, 9, zone=VANCOUVER), gb=5),
        event("n-calls", "sub_north", "api_calls", local(2026, 11, 9, zone=VANCOUVER)),
    ]
    ghost = [event("g-1", "sub_ghost", "api_calls", local(2026, 11, 20))]
    return maple + aurora + solo + north + ghost


def _invoice(lago_id, status, invoice_type, customer, periods, fees):
    return {"lago_id": lago_id, "number": f"LAGO-{lago_id}", "status": status,
            "invoice_type": invoice_type, "payment_status": "succeeded", "currency": "CAD",
            "fees_amount_cents": sum(f[2] for f in fees), "taxes_amount_cents": 0,
            "total_amount_cents": sum(f[2] for f in fees), "issuing_date": "2026-11-10",
            "customer": {"external_id": customer, "applicable_timezone": "America/Toronto"},
            "billing_periods": [{"external_subscription_id": sub,
                                 "charges_from_datetime": iso(start),
                                 "charges_to_datetime": iso(end)}
                                for sub, start, end in periods],
            "fees": [{"lago_id": f"fee-{lago_id}-{n}", "external_subscription_id": sub,
                      "amount_cents": cents, "item": {"type": kind, "code": code}}
                     for n, (sub, kind, cents, code) in enumerate(fees)]}


def invoices():
    october = (local(2026, 10, 10), local(2026, 11, 10) - timedelta(seconds=1))
    q3 = (local(2026, 8, 15), local(2026, 10, 1) - timedelta(seconds=1))
    details = [
        _invoice("inv-maple-oct", "finalized", "subscription", "cus_maple",
                 [("sub_maple", *october)],
                 [("sub_maple", "subscription", 4900, "startup"),
                  ("sub_maple", "charge", 1300, "api_calls"),
                  ("sub_maple", "charge", 0, "storage_gb"),
                  ("sub_maple", "charge", 2500, "seats")]),
        _invoice("inv-aurora-q3", "finalized", "subscription", "cus_aurora",
                 [("sub_aurora", *q3)],
                 [("sub_aurora", "subscription", 14950, "scale"),
                  ("sub_aurora", "charge", 1, "api_calls")]),
        _invoice("inv-draft", "draft", "subscription", "cus_maple",
                 [("sub_maple", *october)], [("sub_maple", "charge", 99, "api_calls")]),
        _invoice("inv-void", "voided", "subscription", "cus_maple",
                 [("sub_maple", *october)], [("sub_maple", "charge", 99, "api_calls")]),
        _invoice("inv-oneoff", "finalized", "one_off", "cus_maple", [],
                 [("sub_maple", "add_on", 9900, "setup")]),
    ]
    listed = [{key: value for key, value in invoice.items()
               if key not in ("fees", "billing_periods")} for invoice in details]
    return listed, {invoice["lago_id"]: invoice for invoice in details}


class LagoCommon(FusionBillingCommon):
    """A new shadow service NexaMaps, connected to the fake Lago; its company in Toronto;
    an Aurora partner that another service (NexaDesk) already knows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls._create_service(name="NexaMaps", code="testmaps")
        cls.company.partner_id.tz = "America/Toronto"
        cls.other_service = cls._create_service(name="NexaDesk", code="testdesk")
        cls.aurora = cls.env["res.partner"].create({"name": "Aurora Apps",
                                                    "email": "ops@aurora.example"})
        cls.env["fusion.billing.account.link"].create({
            "service_id": cls.other_service.id, "external_id": "desk-7",
            "partner_id": cls.aurora.id})
        cls.admin_user = new_test_user(cls.env, "fcb_lago_admin",
                                       groups=f"base.group_system,{MANAGER_GROUP}")
        cls.currency = cls.company.currency_id.name
        cls.org = build_org(cls.currency)
        cls.fake = FakeLago(cls.org, KEY)
        cls.lago_url = cls.fake.start()
        cls.addClassCleanup(cls.fake.stop)
        cls.service.with_user(cls.billing_manager).write({
            "lago_api_url": cls.lago_url, "lago_api_key_new": KEY, "lago_mirror": True})

    def setUp(self):
        super().setUp()
        # Each test reads the organization as built (tests change it to play Lago).
        self.org = self.fake.org = build_org(self.currency)
        self.fake.faults.clear()
        self.fake.requests.clear()

    def _orders(self, service=None):
        return self.env["sale.order"].search(
            [("x_fc_service_id", "=", (service or self.service).id)])

    def _order(self, external_id):
        return self.env["sale.order"].search([("x_fc_service_id", "=", self.service.id),
                                              ("x_fc_external_id", "=", external_id)])

    def _usage_cents(self, external_id):
        """Odoo's current usage of a subscription: ``{metric code: cents}``."""
        usage = self._order(external_id)._fc_current_usage(now=NOW)
        return {metric.code: int(rating.amount * 100)
                for _charge, metric, rating in usage["charges"]}
