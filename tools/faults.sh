#!/usr/bin/env bash
# The fault suite (tests/faults/run.py): real Odoo servers and a real PostgreSQL, killed
# and restarted mid-run. Installs the module (no demo data, with the Enterprise test
# stand-ins) into a fresh database on a throwaway cluster on 127.0.0.1, then runs the
# scenarios given (default: rating webhooks import postgres) with the Python that runs
# Odoo. Prints each scenario's figures and `faults: N passed, N failed`; the servers' logs
# stay in FCB_FAULTS_LOGS (default /tmp/fcb-faults-logs). Needs `odoo` on PATH (ODOO_BIN).
#   bash tools/faults.sh [rating|webhooks|import|postgres ...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
odoo_bin=${ODOO_BIN:-odoo}
logs=${FCB_FAULTS_LOGS:-/tmp/fcb-faults-logs}
# shellcheck source=lib/pg-cluster.sh
. "$repo/tools/lib/pg-cluster.sh"
odoo_workspace fcb-faults "$repo"
# shellcheck source=lib/odoo-python.sh
. "$repo/tools/lib/odoo-python.sh"
odoo_python_deps "$odoo_bin" "$repo"
python=$(odoo_python "$odoo_bin")
# The servers' logs are kept when the workspace goes.
trap 'rm -rf "$logs"; mkdir -p "$logs"; cp "$work"/*.log "$logs"/ 2>/dev/null || true;
      pg_cluster_stop; rm -rf "$work"' EXIT
addons="$work/addons,$repo/tests/standins,$repo/tests/faults/addons"
echo "faults: $("$odoo_bin" --version 2>/dev/null | tail -n 1), PostgreSQL on 127.0.0.1:$pg_port;" \
    "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
"$odoo_bin" --database fcb_faults --db_host 127.0.0.1 --db_port "$pg_port" \
    --db_user odoo --db_password odoo --addons-path "$addons" --data-dir "$work/data" \
    --init fusion_centralize_billing --stop-after-init --max-cron-threads 0 --workers 0 \
    --http-interface 127.0.0.1 --http-port "$(free_port)" \
    --log-level warn --logfile "$work/install.log"
"$python" "$repo/tests/faults/run.py" --odoo "$(command -v "$odoo_bin")" --db fcb_faults \
    --work "$work" --addons-path "$addons" --pg-bin "$pg_bin" --pg-user "$pg_user" \
    --pg-port "$pg_port" "$@"
