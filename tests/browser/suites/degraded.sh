#!/usr/bin/env bash
# The public side with PostgreSQL stopped. Never the shared cluster: a
# private one for this suite (initdb into a temporary folder, trust, a free
# port, its socket in that folder), run as `postgres` when we are root
# (initdb refuses root), stopped and removed on exit, failure included.
# degraded.mjs runs before the stop, during it, and after the start.
set -euo pipefail
source "$browser_dir/lib.sh"

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin"
cluster=$(mktemp -d)
pg_port=$(free_port)

as_cluster_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_ctl() {
    as_cluster_owner "$pg_bin/pg_ctl" -D "$cluster/data" -l "$cluster/postgres.log" -w "$@" >/dev/null
}
start_cluster() {
    pg_ctl -o "-p $pg_port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off" start
}
stop_cluster() {
    pg_ctl -m fast stop
}
cleanup() {
    stop_server
    if [ -f "$cluster/data/postmaster.pid" ]; then pg_ctl -m immediate stop || true; fi
    rm -rf "$work" "$cluster"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] && chown postgres "$cluster"
as_cluster_owner "$pg_bin/initdb" -D "$cluster/data" -A trust -U postgres -E UTF8 --no-sync >/dev/null
start_cluster
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres rinasce

start_server DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/rinasce" RINASCE_FORM_MIN_SECONDS=1
run_node seed.mjs "$base" 12
run_node degraded.mjs before "$base" "$work/before.json"
stop_cluster
run_node degraded.mjs during "$base" "$work/before.json"
start_cluster
run_node degraded.mjs after "$base" "$work/before.json"
