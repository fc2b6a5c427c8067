#!/usr/bin/env bash
# The Odoo-side benchmarks: installs the module (without demo data, with the Enterprise
# test stand-ins) into a fresh database on a throwaway PostgreSQL cluster on 127.0.0.1,
# then runs each script given (default: bench/ingest.py bench/current_usage.py) in
# `odoo shell`, where they print their figures. Needs `odoo` on PATH (or ODOO_BIN).
#   bash tools/bench-odoo.sh [bench/ingest.py ...]
#   bash tools/bench-odoo.sh api    # bench/api.py over HTTP against one Odoo worker
#   bash tools/bench-odoo.sh reconciliation   # bench/reconciliation.py, then the panel
#   bash tools/bench-odoo.sh soak [MINUTES]   # bench/soak.py against 2 workers (default 20)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
odoo_bin=${ODOO_BIN:-odoo}
# shellcheck source=lib/pg-cluster.sh
. "$repo/tools/lib/pg-cluster.sh"
odoo_workspace fcb-bench "$repo"
# shellcheck source=lib/odoo-python.sh
. "$repo/tools/lib/odoo-python.sh"
odoo_python_deps "$odoo_bin" "$repo"
args=(--database fcb_bench --db_host 127.0.0.1 --db_port "$pg_port" --db_user odoo
      --db_password odoo --addons-path "$work/addons,$repo/tests/standins"
      --data-dir "$work/data" --log-level warn --logfile "$work/odoo.log")
"$odoo_bin" "${args[@]}" --init fusion_centralize_billing --stop-after-init \
    --http-interface 127.0.0.1 --http-port "$(free_port)" --max-cron-threads 0 --workers 0
# serve_api WORKERS [SETUP]: SETUP's data (bench/api_setup.py by default) with its key
# ($key) and service ($service_id), then an Odoo server of WORKERS HTTP workers and no
# cron on $port ($server its PID), answering once this returns.
serve_api() {
    local setup
    setup=$("$odoo_bin" shell "${args[@]}" --no-http < "${2:-$repo/bench/api_setup.py}" 2>&1)
    key=$(echo "$setup" | sed -n 's/^KEY=//p')
    service_id=$(echo "$setup" | sed -n 's/^SERVICE=//p')
    [ -n "$key" ] || { echo "bench: the API setup printed no key (see $work/odoo.log)"; exit 1; }
    port=$(free_port)
    # --database without --db-filter: Odoo then serves that database without listing the
    # server's databases on every request (as a production server should). Prefork starts
    # Odoo's gevent worker, which needs the pkg_resources shim on this machine's setuptools.
    PYTHONPATH="$repo/tools/lib/pyshim" "$odoo_bin" "${args[@]}" --workers "$1" \
        --max-cron-threads 0 --http-interface 127.0.0.1 --http-port "$port" \
        --gevent-port "$(free_port)" --limit-time-real 600 &
    server=$!
    trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; pg_cluster_stop; rm -rf "$work"' EXIT
    for _ in $(seq 60); do
        curl -sf "http://127.0.0.1:$port/api/billing/v1/health" >/dev/null && break
        sleep 1
    done
}
if [ "${1:-}" = soak ]; then
    serve_api 2
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB (shared with" \
        "other work); 2 Odoo workers; ${FCB_BENCH_SUBS:-10000} subscriptions," \
        "${FCB_BENCH_ROWS:-1000000} usage rows to start"
    "$repo/.venv/bin/python" "$repo/bench/soak.py" "http://127.0.0.1:$port/api/billing/v1" \
        "$key" --master-pid "$server" --minutes "${2:-20}"
    exit 0
fi
if [ "${1:-}" = api ]; then
    serve_api 1
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; one Odoo worker"
    "$repo/.venv/bin/python" "$repo/bench/api.py" "http://127.0.0.1:$port/api/billing/v1" "$key" \
        fcb_bench "$service_id"
    exit 0
fi
if [ "${1:-}" = reconciliation ]; then
    serve_api 1 "$repo/bench/reconciliation_setup.py"
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; one Odoo worker"
    "$repo/.venv/bin/python" "$repo/bench/reconciliation.py" "http://127.0.0.1:$port/api/billing/v1" "$key"
    "$odoo_bin" shell "${args[@]}" --no-http < "$repo/bench/reconciliation_panel.py" 2>&1 \
        | grep -v "security risk"
    exit 0
fi
[ "$#" -gt 0 ] || set -- bench/ingest.py bench/current_usage.py
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m);" \
    "$("$odoo_bin" --version 2>/dev/null | tail -n 1); PostgreSQL $(as_pg "$pg_bin/postgres" --version | awk '{print $3}')"
for script in "$@"; do
    echo "== $script"
    [ -f "$script" ] || script=$repo/$script
    "$odoo_bin" shell "${args[@]}" --no-http < "$script" 2>&1 | grep -v "security risk"
done
