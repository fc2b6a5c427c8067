#!/usr/bin/env bash
# Try the module in five minutes: a billing Odoo on http://127.0.0.1:8069 with the demo
# catalogue, a live demo service and its API key.
#
#   bash tools/demo.sh          start (or reuse) the demo: cluster, database, server
#   bash tools/demo.sh flow     play a month of an app against it (official Lago client)
#   bash tools/demo.sh stop     stop the server and the cluster it started (keeps the data)
#   bash tools/demo.sh reset    stop, then drop the demo database
#
# Everything lives in .demo/ (ignored by git): a PostgreSQL cluster listening on
# 127.0.0.1 only, Odoo's data folder, the logs, the PIDs and the demo key. Needs an `odoo`
# executable for Odoo 19 on PATH (or ODOO_BIN). Uses the Enterprise modules when
# FCB_ENTERPRISE_ADDONS names an addons folder holding sale_subscription and
# account_accountant, the test stand-ins of tests/standins otherwise.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
demo=$repo/.demo
db=fcb_demo
http_port=${FCB_DEMO_PORT:-8069}
odoo_bin=${ODOO_BIN:-odoo}
command=${1:-start}

say() { printf '%s\n' "$*"; }

need_odoo() {
    if command -v "$odoo_bin" >/dev/null 2>&1; then
        return
    fi
    cat <<EOF
demo: no Odoo found ("$odoo_bin" is not on PATH).

The demo needs an \`odoo\` executable for Odoo 19: Community is enough, since the
Enterprise modules this addon depends on (sale_subscription, account_accountant) are
replaced by the test stand-ins of tests/standins. Production runs Odoo 19 Enterprise from
the odoo-nexa-app container (see README, "Installing it into Odoo 19 Enterprise"). Install
Odoo 19 (https://www.odoo.com/documentation/19.0/administration/on_premise/source.html)
and put its \`odoo\` (or odoo-bin) on PATH, or point ODOO_BIN at it:
    ODOO_BIN=/path/to/odoo-bin bash tools/demo.sh
EOF
    exit 2
}

# shellcheck source=lib/pg-cluster.sh
. "$repo/tools/lib/pg-cluster.sh"

port_busy() {
    python3 -c 'import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' "$1"
}

alive() {  # alive PIDFILE: the recorded process still runs
    [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# The demo's cluster: created once with pg-cluster.sh, then restarted on its recorded port.
cluster_up() {
    pg_work=$demo
    if [ ! -f "$demo/pgdata/PG_VERSION" ]; then
        say "demo: creating a PostgreSQL cluster in .demo/pgdata (127.0.0.1 only)"
        mkdir -p "$demo"
        chmod 755 "$demo"
        pg_cluster_start "$demo"
        echo "$pg_port" > "$demo/pg.port"
        return
    fi
    pg_bin=$(find_pg_bin || true)
    [ -n "$pg_bin" ] || { say "demo: .demo/pgdata exists but PostgreSQL is not installed"; exit 1; }
    pg_user=postgres
    [ "$(id -u)" -eq 0 ] || pg_user=$(id -un)
    pg_port=$(cat "$demo/pg.port")
    if as_pg "$pg_bin/pg_ctl" -D "$demo/pgdata" status >/dev/null 2>&1; then
        return
    fi
    if port_busy "$pg_port"; then
        pg_port=$(free_port)
        echo "$pg_port" > "$demo/pg.port"
    fi
    say "demo: starting the PostgreSQL cluster of .demo/pgdata on 127.0.0.1:$pg_port"
    as_pg "$pg_bin/pg_ctl" -D "$demo/pgdata" -l "$demo/pg.log" -w \
        -o "-p $pg_port -k $demo -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
        start >/dev/null
}

cluster_down() {
    [ -f "$demo/pgdata/PG_VERSION" ] || return 0
    pg_bin=$(find_pg_bin || true)
    [ -n "$pg_bin" ] || return 0
    pg_user=postgres
    [ "$(id -u)" -eq 0 ] || pg_user=$(id -un)
    if as_pg "$pg_bin/pg_ctl" -D "$demo/pgdata" status >/dev/null 2>&1; then
        as_pg "$pg_bin/pg_ctl" -D "$demo/pgdata" -m fast -w stop >/dev/null
        say "demo: PostgreSQL cluster stopped (.demo/pgdata kept)"
    fi
}

sql() {  # sql DATABASE QUERY: one value, as the superuser through the cluster's socket
    as_pg "$pg_bin/psql" -qtAX -h "$demo" -p "$pg_port" -U postgres -d "$1" -c "$2"
}

# Enterprise when FCB_ENTERPRISE_ADDONS holds both modules, the stand-ins otherwise.
edition() {
    local path=${FCB_ENTERPRISE_ADDONS:-}
    if [ -n "$path" ] && [ -f "$path/sale_subscription/__manifest__.py" ] \
        && [ -f "$path/account_accountant/__manifest__.py" ]; then
        edition_name=enterprise
        extra_addons=$path
    else
        edition_name=standins
        extra_addons=$repo/tests/standins
        if [ -n "$path" ]; then
            say "demo: FCB_ENTERPRISE_ADDONS=$path holds no sale_subscription and account_accountant;" \
                "using the test stand-ins"
        fi
    fi
}

write_config() {
    mkdir -p "$demo/addons" "$demo/data"
    # Odoo finds an addon by its folder name: link the repository under the module's name.
    ln -sfn "$repo" "$demo/addons/fusion_centralize_billing"
    cat > "$demo/odoo.conf" <<EOF
[options]
db_host = 127.0.0.1
db_port = $pg_port
db_user = odoo
db_password = odoo
db_name = $db
dbfilter = ^$db\$
list_db = False
addons_path = $demo/addons,$extra_addons
data_dir = $demo/data
http_interface = 127.0.0.1
http_port = $http_port
workers = 0
max_cron_threads = 1
logfile = $demo/odoo.log
EOF
}

install() {  # install MODULES: into the demo database, with demo data
    "$odoo_bin" -c "$demo/odoo.conf" -d "$db" --with-demo -i "$1" \
        --stop-after-init --max-cron-threads 0 --no-http --log-level warn 2>>"$demo/odoo.log"
}

shell_script() {  # shell_script NAME: tools/demo/NAME in odoo shell; prints what it prints
    "$odoo_bin" shell -c "$demo/odoo.conf" -d "$db" --no-http --log-level warn \
        < "$repo/tools/demo/$1" 2>>"$demo/odoo.log"
}

database_up() {
    local exists state stored
    exists=$(sql postgres "SELECT 1 FROM pg_database WHERE datname = '$db'")
    state=
    if [ -n "$exists" ]; then
        state=$(sql "$db" "SELECT state FROM ir_module_module WHERE name = 'fusion_centralize_billing'")
    fi
    if [ "$state" = installed ] && [ -s "$demo/demo.env" ]; then
        stored=$(sed -n 's/^EDITION=//p' "$demo/demo.env")
        if [ "$stored" != "$edition_name" ]; then
            say "demo: the database was made with the $stored modules; 'bash tools/demo.sh reset' to switch"
            edition_name=$stored
        fi
        say "demo: reusing database $db"
        return
    fi
    if [ -n "$exists" ]; then
        say "demo: database $db is incomplete; making it again"
        sql postgres "DROP DATABASE $db" >/dev/null
    fi
    say "demo: creating database $db with the module and its demo data (a few minutes)"
    # A Canadian company first (Ontario, CAD, Canadian English): the Canadian chart's
    # default sales tax follows the province (Ontario: 13% HST).
    if ! install base || ! shell_script canada.py | grep -q '^COMPANY='; then
        say "demo: the Canadian company could not be set up; see .demo/odoo.log"
        exit 1
    fi
    # Accounting's demo loads the generic chart (USD) on the main company whatever its
    # country: the Canadian chart goes over it before the module is installed.
    if ! install l10n_ca || ! shell_script canada_chart.py | grep -q '^CHART=ca_2023 CAD'; then
        say "demo: the Canadian chart of accounts could not be loaded; see .demo/odoo.log"
        exit 1
    fi
    if ! install fusion_centralize_billing; then
        say "demo: the installation failed; see .demo/odoo.log"
        exit 1
    fi
    say "demo: going live, generating the demo service's API key"
    local key
    key=$(shell_script setup.py | sed -n 's/^KEY=//p')
    [ -n "$key" ] || { say "demo: the setup printed no key; see .demo/odoo.log"; exit 1; }
    umask 077
    printf 'KEY=%s\nEDITION=%s\n' "$key" "$edition_name" > "$demo/demo.env"
}

server_up() {
    if alive "$demo/odoo.pid"; then
        say "demo: reusing the Odoo server (pid $(cat "$demo/odoo.pid"))"
        return
    fi
    if port_busy "$http_port"; then
        say "demo: port $http_port is taken by another program; run with FCB_DEMO_PORT=8070"
        exit 1
    fi
    say "demo: starting Odoo on http://127.0.0.1:$http_port"
    setsid "$odoo_bin" -c "$demo/odoo.conf" -d "$db" >/dev/null 2>&1 < /dev/null &
    echo $! > "$demo/odoo.pid"
    for _ in $(seq 120); do
        if curl -sf "http://127.0.0.1:$http_port/api/billing/v1/health" >/dev/null; then
            return
        fi
        alive "$demo/odoo.pid" || break
        sleep 1
    done
    say "demo: Odoo did not answer on port $http_port; last lines of .demo/odoo.log:"
    tail -n 30 "$demo/odoo.log"
    exit 1
}

start() {
    need_odoo
    edition
    cluster_up
    write_config
    database_up
    server_up
    local key used
    key=$(sed -n 's/^KEY=//p' "$demo/demo.env")
    if [ "$edition_name" = enterprise ]; then
        used="the Enterprise modules of $extra_addons"
    else
        used="the Enterprise test stand-ins of tests/standins (Odoo Community; set FCB_ENTERPRISE_ADDONS to use the real ones)"
    fi
    cat <<EOF

The demo is running ($("$odoo_bin" --version 2>/dev/null | tail -n 1), with $used).

  Back end     http://127.0.0.1:$http_port/odoo/action-fusion_centralize_billing.action_sale_order_fusion_billing
  Login        admin / admin (Billing Administrator)
  Service      NexaCloud (demo), live; plans nexacloud_pro_monthly, nexacloud_pro_yearly
  API key      $key
  Logs         .demo/odoo.log

Try it:
  curl -s http://127.0.0.1:$http_port/api/billing/v1/plans -H "Authorization: Bearer $key"
  curl -s http://127.0.0.1:$http_port/api/billing/v1/customers/cus_maple_001/current_usage?external_subscription_id=sub_maple_pro -H "Authorization: Bearer $key"
  bash tools/demo.sh flow     # a month of an app with the official lago-python-client
  bash tools/demo.sh pilot    # a dual run: the app's own invoices, a mismatch, Go Live
  bash tools/demo.sh stop     # stop the server and the cluster (the database stays)
  bash tools/demo.sh reset    # drop the demo database
EOF
}

stop() {
    if alive "$demo/odoo.pid"; then
        local pid
        pid=$(cat "$demo/odoo.pid")
        kill "$pid"
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        say "demo: Odoo server stopped (pid $pid)"
    fi
    rm -f "$demo/odoo.pid"
    cluster_down
}

reset() {
    stop
    if [ -f "$demo/pgdata/PG_VERSION" ]; then
        cluster_up
        sql postgres "DROP DATABASE IF EXISTS $db" >/dev/null || true
        say "demo: database $db dropped"
        cluster_down
    fi
    rm -rf "$demo/data/filestore/$db" "$demo/demo.env"
}

flow() {
    # Quiet when the demo already runs; a first run shows its progress.
    if alive "$demo/odoo.pid"; then start >/dev/null; else start; fi
    [ -x "$repo/.venv/bin/python" ] || bash "$repo/tools/test.sh" -q --co >/dev/null
    "$repo/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$repo/requirements-test.txt"
    FCB_DEMO_URL="http://127.0.0.1:$http_port" FCB_DEMO_KEY=$(sed -n 's/^KEY=//p' "$demo/demo.env") \
        FCB_DEMO_DB=$db "$repo/.venv/bin/python" "$repo/tools/demo/flow.py"
}

pilot() {
    # Quiet when the demo already runs; a first run shows its progress.
    if alive "$demo/odoo.pid"; then start >/dev/null; else start; fi
    # exec(): odoo shell reads its standard input line by line, as a console would.
    echo "exec(open('$repo/tools/demo/pilot.py').read())" \
        | FCB_DEMO_URL="http://127.0.0.1:$http_port" "$odoo_bin" shell -c "$demo/odoo.conf" \
            -d "$db" --no-http --log-level warn 2>>"$demo/odoo.log" | grep -v "security risk"
}

case $command in
    start) start ;;
    flow) need_odoo; flow ;;
    pilot) need_odoo; pilot ;;
    stop) stop ;;
    reset) reset ;;
    *) say "usage: bash tools/demo.sh [start|flow|pilot|stop|reset]"; exit 2 ;;
esac
