#!/usr/bin/env bash
# Run by `tools/odoo-tier.sh --keep` once its run is over, the database fcb_test and its
# cluster still up: readies pytest-odoo and prints how to run one Odoo test file against
# that database in seconds, without reinstalling the module.
#   tools/lib/pytest-odoo-loop.sh WORK PG_PORT PG_USER PG_BIN
# pytest-odoo imports odoo, which Odoo's own interpreter finds only through odoo-bin: the
# venv .venv-odoo is made from that interpreter and a .pth file adds its packages and
# Odoo's source; requirements-pytest-odoo.txt is installed into it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$1 pg_port=$2 pg_user=$3 pg_bin=$4
odoo_bin=${ODOO_BIN:-odoo}
venv=$repo/.venv-odoo

cat > "$work/odoo.conf" <<EOF
[options]
db_host = 127.0.0.1
db_port = $pg_port
db_user = odoo
db_password = odoo
addons_path = $work/addons,$repo/tests/standins
data_dir = $work/data
EOF

probe='import odoo, site, sys; print("FCB", sys.executable, site.getsitepackages()[0], odoo.__path__[0])'
read -r odoo_python odoo_site odoo_src <<< "$(echo "$probe" | "$odoo_bin" shell --no-http 2>/dev/null \
    | sed -n 's/^FCB //p')"
[ -x "$venv/bin/python" ] || "$odoo_python" -m venv "$venv"
venv_site=$("$venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')
printf '%s\n%s\n' "$odoo_site" "$(dirname "$odoo_src")" > "$venv_site/odoo-interpreter.pth"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$repo/requirements-pytest-odoo.txt"

if [ "$(id -u)" -eq 0 ]; then
    stop="su -s /bin/sh $pg_user -c '$pg_bin/pg_ctl -D $work/pgdata stop'"
else
    stop="$pg_bin/pg_ctl -D $work/pgdata stop"
fi
cat <<EOF

odoo tier: kept database fcb_test on PostgreSQL 127.0.0.1:$pg_port (cluster and data in $work).
Run one test file against it with pytest-odoo, in seconds (after changing a model or a
view, update the module first: $odoo_bin -c $work/odoo.conf -d fcb_test -u fusion_centralize_billing --stop-after-init):
  .venv-odoo/bin/python -m pytest -p no:cacheprovider --odoo-config=$work/odoo.conf \\
      --odoo-database=fcb_test $work/addons/fusion_centralize_billing/tests/test_catalogue.py
When done:
  $stop && rm -rf $work
EOF
