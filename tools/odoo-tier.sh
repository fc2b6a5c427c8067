#!/usr/bin/env bash
# The Odoo tier: installs the module (with demo data) and the Enterprise test stand-ins
# into a fresh database on a throwaway PostgreSQL cluster, runs
# --test-tags /fusion_centralize_billing, and fails on any failed test or logged error.
#
# Needs an `odoo` executable for Odoo 19 on PATH (override with ODOO_BIN). PostgreSQL is
# installed with apt when absent. The cluster listens on 127.0.0.1 only and is removed
# at the end, whatever happens.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
odoo_bin=${ODOO_BIN:-odoo}
work=$(mktemp -d /tmp/fcb-odoo-tier.XXXXXX)
chmod 755 "$work"
# The log outlives the run, for reading failures afterwards.
log=${FCB_ODOO_LOG:-/tmp/fcb-odoo-tier.log}
: > "$log"
pg_user=postgres

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

find_pg_bin() {
    local dir
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$dir" ] && echo "$dir"
}

pg_bin=$(find_pg_bin || true)
if [ -z "$pg_bin" ]; then
    echo "odoo tier: installing PostgreSQL with apt"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(find_pg_bin)
fi

# PostgreSQL refuses to run as root: run the cluster as an unprivileged system user.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        su -s /bin/sh "$pg_user" -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}
if [ "$(id -u)" -eq 0 ]; then
    id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
    chown "$pg_user" "$work"
else
    pg_user=$(id -un)
fi

pg_port=$(free_port)
cleanup() {
    as_pg "$pg_bin/pg_ctl" -D "$work/pgdata" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

as_pg "$pg_bin/initdb" -D "$work/pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pgdata" -l "$work/pg.log" -w \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
psql_bin=$pg_bin/psql
[ -x "$psql_bin" ] || psql_bin=$(command -v psql)
as_pg "$psql_bin" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
    -c "CREATE ROLE odoo LOGIN CREATEDB PASSWORD 'odoo'"

# Odoo finds an addon by its folder name: link the repository under the module's name.
mkdir -p "$work/addons"
ln -s "$repo" "$work/addons/fusion_centralize_billing"

echo "odoo tier: $("$odoo_bin" --version 2>/dev/null | tail -n 1), PostgreSQL on 127.0.0.1:$pg_port"
set +e
"$odoo_bin" \
    --database fcb_test --db_host 127.0.0.1 --db_port "$pg_port" \
    --db_user odoo --db_password odoo --db-filter '^fcb_test$' \
    --addons-path "$work/addons,$repo/tests/standins" \
    --data-dir "$work/data" \
    --http-interface 127.0.0.1 --http-port "$(free_port)" \
    --with-demo \
    --init fusion_centralize_billing \
    --test-tags /fusion_centralize_billing \
    --stop-after-init --max-cron-threads 0 --workers 0 \
    --log-level info --logfile "$log"
rc=$?
set -e

grep -E " (ERROR|CRITICAL) " "$log" > "$work/errors.log" || true
summary=$(grep -oE "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$log" | tail -n 1 || true)
if [ -s "$work/errors.log" ]; then
    echo "odoo tier: errors in the Odoo log ($log), with their tracebacks:"
    grep -E -A 25 " (ERROR|CRITICAL) " "$log" | head -n 400
fi
if [ -z "$summary" ]; then
    echo "odoo tier: no test summary found (exit code $rc); last lines of the log:"
    tail -n 60 "$log"
    exit 1
fi
read -r failed _ errors _ _ total _ <<< "$summary"
errors=${errors%%[!0-9]*}
bad=$((failed + errors))
echo "odoo tier: $summary"
passed=$((total - bad))
[ "$passed" -ge 0 ] || passed=0
echo "odoo: $passed passed, $bad failed"
if [ "$rc" -ne 0 ] || [ "$bad" -ne 0 ] || [ -s "$work/errors.log" ]; then
    exit 1
fi
