# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The margin report and cost ingestion: ``bash tools/bench-odoo.sh bench/margin.py``.

Runs in ``odoo shell``. Setup, outside every clock:

* one service, FCB_BENCH_CUSTOMERS (default 1,000) customers with their account links and
  subscriptions, three providers;
* FCB_BENCH_DAYS (default 365) days of costs for every customer and provider, bulk-inserted
  in SQL (1,000 x 3 x 365 = 1,095,000 rows);
* a year of invoices: one real invoice posted through the ORM (a recurring line and a
  usage line), copied in SQL to every customer and month (12,000 invoices, 36,000 lines).

Then, each against a baseline in the same run:

* **the report**: the margin report read grouped by service and month, by a Billing User
  (record rules on), ``_read_group`` as the pivot calls it, an empty ORM cache each time;
  against the plainest query over the same rows (costs grouped by service and month in
  SQL). Median and slowest of FCB_BENCH_READS (default 10). Goal < 500 ms (floor 2 s).
* **API ingestion**: ``POST /costs`` with 100 new costs a request, FCB_BENCH_THREADS
  (default 4) client threads for FCB_BENCH_SECONDS (default 20) against one Odoo worker
  this script starts on loopback; against the same rows inserted raw (one multi-row
  ``INSERT ... ON CONFLICT DO NOTHING`` per 100, into a scratch copy of the table with its
  indexes and foreign keys) and the worker's ``GET /health`` ceiling. Goal >= 2,000
  rows/s (floor 1,000).

FCB_BENCH_PARTS (default ``report,api``) runs one part only.
"""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

import requests
from psycopg2.extras import execute_values

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tools import config

# bench/api.py's load (client threads for a while), from the addon's own folder: odoo
# shell reads this script from its standard input, which has no __file__.
sys.path.insert(0, os.path.join(get_module_path("fusion_centralize_billing"), "bench"))
from api import load  # noqa: E402

CUSTOMERS = int(os.environ.get("FCB_BENCH_CUSTOMERS", "1000"))
DAYS = int(os.environ.get("FCB_BENCH_DAYS", "365"))
READS = int(os.environ.get("FCB_BENCH_READS", "10"))
THREADS = int(os.environ.get("FCB_BENCH_THREADS", "4"))
PROVIDERS = ("openai", "google_maps", "twilio")
BATCH = 100
TODAY = date.today()
FIRST_DAY = TODAY - timedelta(days=DAYS)


def log(message):
    print(message, flush=True)


# === SETUP === #

def setup():
    began = time.perf_counter()
    service = env["fusion.billing.service"].create({"name": "Bench", "code": "bench_margin"})
    plan = env["sale.subscription.plan"].create({
        "name": "Bench Pro", "billing_period_unit": "month", "x_fc_plan_code": "bench_pro",
        "x_fc_service_id": service.id,
    })
    partners = env["res.partner"].create([{"name": f"Bench customer {n}"}
                                          for n in range(CUSTOMERS)])
    env["fusion.billing.account.link"].create([{
        "service_id": service.id, "external_id": f"cus_{n}", "partner_id": partner.id,
    } for n, partner in enumerate(partners)])
    orders = env["sale.order"].create([{
        "partner_id": partner.id, "x_fc_service_id": service.id, "x_fc_plan_id": plan.id,
        "x_fc_external_id": f"sub_{n}", "start_date": FIRST_DAY, "state": "sale",
    } for n, partner in enumerate(partners)])
    Provider = env["fusion.billing.provider"]
    providers = Provider.browse(list(Provider._fc_ids_by_code(
        {code: code.replace("_", " ").title() for code in PROVIDERS}).values()))
    env.cr.commit()
    env.cr.execute(
        """
        INSERT INTO fusion_billing_cost (service_id, company_id, provider_id, partner_id,
               plan_id, date, source, amount, quantity, unit, allocation_state, revision,
               lago_id, create_date, write_date)
        SELECT %(service)s, %(company)s, p, o.partner_id, %(plan)s, d::date, 'fusion_api',
               ((o.partner_id * 7 + p * 13 + (d::date - %(first)s)) %% 500)::numeric / 100,
               (o.partner_id %% 97) * 10, 'calls', 'direct', 0, gen_random_uuid()::text,
               NOW(), NOW()
          FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
         CROSS JOIN unnest(%(providers)s::int[]) p
         CROSS JOIN (SELECT partner_id FROM sale_order WHERE id = ANY(%(orders)s)) o
        """,
        {"service": service.id, "company": service.company_id.id, "plan": plan.id,
         "first": FIRST_DAY, "last": TODAY - timedelta(days=1), "providers": providers.ids,
         "orders": orders.ids},
    )
    cost_rows = env.cr.rowcount
    # Rows bulk-inserted in SQL: their monthly sums are made once (the API keeps them).
    env["fusion.billing.cost.month"]._fc_rebuild()
    env.cr.commit()
    invoices, lines = year_of_invoices(service, orders)
    env.cr.execute("ANALYZE fusion_billing_cost")
    env.cr.execute("ANALYZE fusion_billing_cost_month")
    env.cr.execute("ANALYZE account_move")
    env.cr.execute("ANALYZE account_move_line")
    env.cr.commit()
    log(f"setup: {CUSTOMERS} customers, {len(PROVIDERS)} providers, {cost_rows} cost rows "
        f"({DAYS} days), {invoices} invoices ({lines} lines) in "
        f"{time.perf_counter() - began:.0f} s")
    return service


def year_of_invoices(service, orders):
    """One invoice posted through the ORM, copied in SQL to every customer and month."""
    products = env["product.product"].create([
        {"name": "Bench plan", "type": "service", "taxes_id": [Command.clear()]},
        {"name": "Bench usage", "type": "service", "taxes_id": [Command.clear()]},
    ])
    template = env["account.move"].create({
        "move_type": "out_invoice", "partner_id": orders[0].partner_id.id,
        "invoice_date": FIRST_DAY, "x_fc_service_id": service.id,
        "x_fc_subscription_id": orders[0].id,
        "invoice_line_ids": [
            Command.create({"product_id": products[0].id, "quantity": 1, "price_unit": 49,
                            "tax_ids": [Command.clear()]}),
            Command.create({"product_id": products[1].id, "quantity": 1, "price_unit": 12.5,
                            "tax_ids": [Command.clear()], "x_fc_usage_line": True}),
        ],
    })
    template.action_post()
    env.cr.commit()
    env.cr.execute(
        """
        CREATE TEMP TABLE bench_targets AS
        SELECT row_number() OVER (ORDER BY o.id, m) AS n, o.id AS order_id, o.partner_id,
               (%s::date + (m || ' months')::interval)::date AS day, NULL::int AS move_id
          FROM sale_order o CROSS JOIN generate_series(0, 11) m
         WHERE o.id = ANY(%s)
        """,
        [FIRST_DAY, orders.ids],
    )
    overrides = {
        "name": "'BENCH/' || t.n", "partner_id": "t.partner_id",
        "commercial_partner_id": "t.partner_id", "x_fc_subscription_id": "t.order_id",
        "invoice_date": "t.day", "date": "t.day", "invoice_date_due": "t.day",
        "x_fc_lago_id": "gen_random_uuid()::text", "sequence_prefix": "'BENCH/'",
        "sequence_number": "t.n", "payment_reference": "'BENCH/' || t.n",
    }
    copy_rows("account_move", "account_move m", "m.id = %s", overrides, template.id)
    env.cr.execute(
        "UPDATE bench_targets t SET move_id = m.id FROM account_move m"
        " WHERE m.name = 'BENCH/' || t.n")
    copy_rows("account_move_line", "account_move_line m", "m.move_id = %s", {
        "move_id": "t.move_id", "partner_id": "t.partner_id", "date": "t.day",
        "invoice_date": "t.day", "date_maturity": "t.day", "move_name": "'BENCH/' || t.n",
    }, template.id, join="JOIN bench_targets t ON t.move_id IS NOT NULL")
    env.cr.execute("SELECT COUNT(*) FROM bench_targets")
    invoices = env.cr.fetchone()[0]
    env.cr.execute("SELECT COUNT(*) FROM account_move_line WHERE move_name LIKE 'BENCH/%%'")
    lines = env.cr.fetchone()[0]
    env.cr.commit()
    return invoices, lines


def copy_rows(table, source, where, overrides, template_id, join=None):
    """INSERT a copy of a table's rows for every target, some columns rewritten."""
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position", [table])
    columns = [row[0] for row in env.cr.fetchall()]
    values = [overrides.get(column, f"m.{column}") for column in columns]
    join = join or "CROSS JOIN bench_targets t"
    env.cr.execute(
        f"INSERT INTO {table} ({', '.join(columns)})"  # noqa: S608 - the bench's own SQL
        f" SELECT {', '.join(values)} FROM {source} {join} WHERE {where}", [template_id])


# === THE REPORT === #

def time_report(service):
    user = env["res.users"].create({
        "name": "Bench finance", "login": f"bench_finance_{service.id}",
        "group_ids": [Command.link(env.ref(
            "fusion_centralize_billing.group_fusion_billing_user").id)],
    })
    env.cr.commit()
    Margin = env["fusion.billing.margin"].with_user(user)
    groupby, aggregates = ["service_id", "date:month"], [
        "revenue:sum", "cost:sum", "margin:sum", "margin_percent:avg"]
    ours, plain = [], []
    groups = None
    for _run in range(READS + 1):  # the first of each warms the caches up
        env.invalidate_all()
        began = time.perf_counter()
        groups = Margin._read_group([], groupby, aggregates)
        ours.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        env.cr.execute(
            "SELECT service_id, date_trunc('month', date), SUM(amount)"
            "  FROM fusion_billing_cost GROUP BY 1, 2")
        env.cr.fetchall()
        plain.append((time.perf_counter() - began) * 1000)
    ours, plain = ours[1:], plain[1:]
    mine = [g for g in groups if g[0] == service]
    revenue = sum(g[2] for g in mine)
    cost = sum(g[3] for g in mine)
    log(f"report: {len(mine)} months; revenue {revenue:,.2f}, cost {cost:,.2f}, "
        f"margin {revenue - cost:,.2f}")
    log(f"margin report read by service and month: median {statistics.median(ours):7.1f} ms"
        f"  slowest {max(ours):7.1f} ms ({READS} reads, a Billing User)")
    log(f"baseline (costs grouped by service and month in SQL): median "
        f"{statistics.median(plain):7.1f} ms  slowest {max(plain):7.1f} ms")
    log("goal: < 500 ms (floor 2 s)")
    env.cr.commit()


# === API INGESTION === #

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server():
    port = free_port()
    odoo_bin = os.environ.get("ODOO_BIN") or shutil.which("odoo") or sys.argv[0]
    args = [odoo_bin, "--database", env.cr.dbname, "--db_host", config["db_host"] or "",
            "--db_port", str(config["db_port"] or 5432), "--db_user", config["db_user"] or "",
            "--db_password", config["db_password"] or "",
            "--addons-path", ",".join(config["addons_path"]) if isinstance(
                config["addons_path"], list) else config["addons_path"],
            "--data-dir", config["data_dir"], "--workers", "1", "--max-cron-threads", "0",
            "--http-interface", "127.0.0.1", "--http-port", str(port), "--log-level", "warn",
            "--logfile", os.path.join(config["data_dir"], "bench-margin-server.log")]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/billing/v1"
    for _ in range(120):
        try:
            if requests.get(f"{base}/health", timeout=2).status_code == 200:
                return server, base
        except requests.RequestException:
            pass
        time.sleep(1)
    server.terminate()
    raise RuntimeError("the Odoo worker did not answer /health")


def cost_batches(source, count):
    """``count`` batches of 100 new costs each (keys unique across all batches)."""
    batches = []
    for index in range(count):
        items = []
        for offset in range(BATCH):
            n = index * BATCH + offset
            customer, rest = n % CUSTOMERS, n // CUSTOMERS
            provider, day = PROVIDERS[rest % len(PROVIDERS)], rest // len(PROVIDERS)
            items.append({
                "provider": provider,
                "date": (TODAY - timedelta(days=1 + day % DAYS)).isoformat(),
                "amount_cents": 100 + n % 900, "external_customer_id": f"cus_{customer}",
                "units": str(n % 5000), "unit": "calls", "source": source,
            })
        batches.append(items)
    return batches


def raw_baseline(service, batches):
    """The same rows inserted raw into a scratch copy of the table: the floor."""
    env.cr.execute("CREATE TABLE bench_raw_cost (LIKE fusion_billing_cost INCLUDING ALL)")
    env.cr.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'fusion_billing_cost'::regclass AND contype = 'f'")
    for (definition,) in env.cr.fetchall():
        env.cr.execute(f"ALTER TABLE bench_raw_cost ADD {definition}")
    env.cr.execute("SELECT external_id, partner_id FROM fusion_billing_account_link"
                   " WHERE service_id = %s", [service.id])
    partners = dict(env.cr.fetchall())
    providers = {p.code: p.id for p in env["fusion.billing.provider"].search([])}
    env.cr.commit()
    rows = [[(service.id, service.company_id.id, providers[item["provider"]],
              partners[item["external_customer_id"]], item["date"], item["source"],
              item["amount_cents"] / 100, item["units"], item["unit"], "direct", 0)
             for item in batch] for batch in batches]
    began = time.perf_counter()
    for batch in rows:
        execute_values(env.cr._obj, (
            "INSERT INTO bench_raw_cost (service_id, company_id, provider_id, partner_id, date,"
            " source, amount, quantity, unit, allocation_state, revision) VALUES %s"
            " ON CONFLICT DO NOTHING"), batch, page_size=BATCH)
        env.cr.commit()
    seconds = time.perf_counter() - began
    env.cr.execute("DROP TABLE bench_raw_cost")
    env.cr.commit()
    return len(rows) * BATCH / seconds


def time_ingestion(service):
    key = service._generate_key("bench")
    env.cr.commit()
    server, base = start_server()
    try:
        auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

        def health(session, _thread, _index):
            assert session.get(f"{base}/health", timeout=30).status_code == 200

        calls, seconds, _latencies = load(health)
        ceiling = calls / seconds
        log(f"ceiling GET /health: {ceiling:8.0f} requests/s ({THREADS} threads)")
        per_thread = 1500  # 600,000 rows in all: more than 20 s can take
        bodies = [[json.dumps({"costs": batch}).encode()
                   for batch in cost_batches(f"api-{thread}", per_thread)]
                  for thread in range(THREADS)]

        def post(session, thread, index):
            assert index < per_thread, "more requests than bodies made: raise per_thread"
            response = session.post(f"{base}/costs", data=bodies[thread][index], headers=auth,
                                    timeout=60)
            assert response.status_code == 200, response.text[:500]

        calls, seconds, _latencies = load(post)
        rate = calls * BATCH / seconds
        log(f"POST /costs (100 new costs a request): {rate:8.0f} rows/s "
            f"({calls / seconds:.1f} requests/s, {calls / seconds / ceiling:.3f} of the ceiling)")
    finally:
        server.terminate()
        server.wait(timeout=60)
    raw = raw_baseline(service, cost_batches("raw", 200))
    log(f"baseline raw INSERT ... ON CONFLICT of the same rows: {raw:8.0f} rows/s; "
        f"POST /costs is {rate / raw:.2f} of it")
    log("goal: >= 2,000 rows/s (floor 1,000)")


def main():
    service = setup()
    parts = os.environ.get("FCB_BENCH_PARTS", "report,api").split(",")
    if "report" in parts:
        time_report(service)
    if "api" in parts:
        time_ingestion(service)


main()
