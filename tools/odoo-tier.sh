#!/usr/bin/env bash
# The Odoo tier: installs the module (with demo data) and the Enterprise test stand-ins
# into a fresh database on a throwaway PostgreSQL cluster, runs
# --test-tags /fusion_centralize_billing, and fails on any failed test or logged error.
#
# Needs an `odoo` executable for Odoo 19 on PATH (override with ODOO_BIN). PostgreSQL and
# Chromium (for the tours) are installed with apt when absent. The cluster listens on
# 127.0.0.1 only and is removed at the end, whatever happens, unless --keep is given:
#   bash tools/odoo-tier.sh --keep   keeps the database and the cluster running, and prints
#                                    how to run one test file against them with pytest-odoo
#   bash tools/odoo-tier.sh --clock +365d
#                                    runs PostgreSQL and Odoo (and the browser it starts) on a
#                                    clock moved by that offset (libfaketime, installed with apt
#                                    when absent): the suite must pass on any date
#   bash tools/odoo-tier.sh --tags /fusion_centralize_billing:TestApiClients
#                                    runs only the tests these Odoo test tags select
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
odoo_bin=${ODOO_BIN:-odoo}
keep=0
clock=
tags=/fusion_centralize_billing
while [ $# -gt 0 ]; do
    case "$1" in
        --keep) keep=1 ;;
        --clock) clock=$2; shift ;;
        --tags) tags=$2; shift ;;
        *) echo "odoo tier: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
# A moved clock: only the servers and the tests see it (pip, npm and apt keep the real one,
# whose TLS certificates are valid today).
clocked=()
if [ -n "$clock" ]; then
    if ! command -v faketime >/dev/null 2>&1; then
        echo "odoo tier: installing faketime with apt"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
    fi
    export FCB_PG_CLOCK=$clock
fi
# The log outlives the run, for reading failures afterwards.
log=${FCB_ODOO_LOG:-/tmp/fcb-odoo-tier.log}
: > "$log"
# shellcheck source=lib/pg-cluster.sh
. "$repo/tools/lib/pg-cluster.sh"
[ -z "$clock" ] || read -r -a clocked <<< "$(faketime_env "$clock")"
odoo_workspace fcb-odoo-tier "$repo"
[ "$keep" = 0 ] || trap - EXIT
# shellcheck source=lib/odoo-python.sh
. "$repo/tools/lib/odoo-python.sh"
odoo_python_deps "$odoo_bin" "$repo"

# The official Lago clients the API tests play: Python in the project's .venv (made by
# tools/test.sh), JavaScript with the machine's Node from tests/clients/package-lock.json.
[ -x "$repo/.venv/bin/python" ] || bash "$repo/tools/test.sh" -q --co >/dev/null
"$repo/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$repo/requirements-test.txt"
if ! command -v npm >/dev/null 2>&1; then
    echo "odoo tier: installing Node.js with apt"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --prefix "$repo/tests/clients" --silent --no-audit --no-fund
# The back-end tour runs in a real browser; Odoo looks for google-chrome or chromium. A
# missing browser fails the tour's test (it is never skipped), so install Debian's.
if ! command -v chromium >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then
    echo "odoo tier: installing chromium with apt"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "odoo tier: $("$odoo_bin" --version 2>/dev/null | tail -n 1), PostgreSQL on 127.0.0.1:$pg_port"
[ -z "$clock" ] || echo "odoo tier: clock moved by $clock: $("${clocked[@]}" date -u '+%Y-%m-%d %H:%M UTC')"
set +e
"${clocked[@]}" "$odoo_bin" \
    --database fcb_test --db_host 127.0.0.1 --db_port "$pg_port" \
    --db_user odoo --db_password odoo --db-filter '^fcb_test$' \
    --addons-path "$work/addons,$repo/tests/standins" \
    --data-dir "$work/data" \
    --http-interface 127.0.0.1 --http-port "$(free_port)" \
    --with-demo \
    --init fusion_centralize_billing \
    --test-tags "$tags" \
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
[ "$keep" = 0 ] || bash "$repo/tools/lib/pytest-odoo-loop.sh" "$work" "$pg_port" "$pg_user" "$pg_bin"
if [ "$rc" -ne 0 ] || [ "$bad" -ne 0 ] || [ -s "$work/errors.log" ]; then
    exit 1
fi
