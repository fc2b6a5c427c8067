# Sourced by the scripts that need a throwaway PostgreSQL cluster on 127.0.0.1 (the Odoo
# tier, the Odoo benchmarks). Defines pg_cluster_start WORKDIR and pg_cluster_stop, and
# sets pg_port. PostgreSQL is installed with apt when absent; as root, the cluster runs
# as the unprivileged system user postgres, since PostgreSQL refuses to run as root.

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

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        su -s /bin/sh "$pg_user" -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

# faketime_env OFFSET: an `env` command line that runs a program on a clock moved by OFFSET
# (+365d, -1y, ...) through libfaketime's preload. Not the `faketime` wrapper: it waits for
# every process it started, and a server's daemon never ends.
faketime_env() {
    local lib
    lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
    [ -n "$lib" ] || { echo "libfaketime not found (apt-get install faketime)" >&2; return 1; }
    echo "env LD_PRELOAD=$lib FAKETIME=$1"
}

# pg_cluster_start WORKDIR: a cluster in WORKDIR/pgdata with a role odoo/odoo.
pg_cluster_start() {
    pg_work=$1
    pg_user=postgres
    pg_bin=$(find_pg_bin || true)
    if [ -z "$pg_bin" ]; then
        echo "installing PostgreSQL with apt"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        pg_bin=$(find_pg_bin)
    fi
    if [ "$(id -u)" -eq 0 ]; then
        id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
        chown "$pg_user" "$pg_work"
    else
        pg_user=$(id -un)
    fi
    pg_port=$(free_port)
    # Passwords are checked over TCP (the import tests need a wrong one refused); the
    # superuser sets the cluster up through the Unix socket, trusted.
    as_pg "$pg_bin/initdb" -D "$pg_work/pgdata" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    # FCB_PG_CLOCK (tools/odoo-tier.sh --clock): the server's clock moved, as Odoo's is.
    local clock=()
    [ -z "${FCB_PG_CLOCK:-}" ] || read -r -a clock <<< "$(faketime_env "$FCB_PG_CLOCK")"
    as_pg "${clock[@]}" "$pg_bin/pg_ctl" -D "$pg_work/pgdata" -l "$pg_work/pg.log" -w \
        -o "-p $pg_port -k $pg_work -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
    local psql_bin=$pg_bin/psql
    [ -x "$psql_bin" ] || psql_bin=$(command -v psql)
    as_pg "$psql_bin" -q -h "$pg_work" -p "$pg_port" -U postgres -d postgres \
        -c "CREATE ROLE odoo LOGIN CREATEDB PASSWORD 'odoo'"
}

pg_cluster_stop() {
    [ -n "${pg_work:-}" ] || return 0
    as_pg "$pg_bin/pg_ctl" -D "$pg_work/pgdata" -m fast -w stop >/dev/null 2>&1 || true
}

# odoo_workspace PREFIX REPO: a temporary folder (in $work) with a started cluster and the
# repository linked as the addon (in $work/addons), both removed when the script exits.
odoo_workspace() {
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    chmod 755 "$work"
    trap 'pg_cluster_stop; rm -rf "$work"' EXIT
    pg_cluster_start "$work"
    # Odoo finds an addon by its folder name: link the repository under the module's name.
    mkdir -p "$work/addons"
    ln -s "$2" "$work/addons/fusion_centralize_billing"
}
