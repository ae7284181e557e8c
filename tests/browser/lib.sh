# Shared by the browser suites (tests/browser/suites/*.sh): starts the
# server on a free port against a fresh SQLite file, stops it on exit.
# Sourced, not run. After `start_server [NAME=VALUE ...]`:
#   $base  the server's URL          $work  a fresh folder (database, log)
#   $mail  a folder for the file transport: pass RINASCE_MAIL="file:$mail"
# The NAME=VALUE pairs override the defaults below for this server only.
# `start_second_server [NAME=VALUE ...]` then starts another process on the
# same database and public URL, as behind one load balancer: `$second_base`.
# `fresh_database` sets `$database`: a SQLite file in $work or, when
# TEST_DATABASE_URL names a PostgreSQL server, a new database on it
# (`rinasce_test_…`, dropped on exit); call it before `start_server`, which
# then uses it, as do `start_second_server` and the suite's CLI calls through
# DATABASE_URL="$database".

die() { printf '\nBROWSER TEST FAILED: %s\n' "$*" >&2; exit 1; }

server_pid=
second_pid=
work=$(mktemp -d)
mail="$work/mail"
stop_process() {
    if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
        kill "$1"
        wait "$1" 2>/dev/null || true
    fi
}
stop_server() {
    stop_process "$server_pid"
    server_pid=
}
stop_second_server() {
    stop_process "$second_pid"
    second_pid=
}
pg_admin_url=
database=
drop_fresh_database() {
    if [ -n "$pg_admin_url" ]; then
        psql -q "$pg_admin_url" -c "DROP DATABASE IF EXISTS ${database##*/}" >/dev/null 2>&1 || true
    fi
}
trap 'stop_second_server; stop_server; drop_fresh_database; rm -rf "$work"' EXIT

fresh_database() {
    case "${TEST_DATABASE_URL:-}" in
    postgres://* | postgresql://*)
        command -v psql >/dev/null || die "psql is needed to run on PostgreSQL"
        local name
        name="rinasce_test_browser_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
        psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $name" >/dev/null \
            || die "cannot create a database on $TEST_DATABASE_URL"
        pg_admin_url=$TEST_DATABASE_URL
        database="${TEST_DATABASE_URL%/*}/$name"
        ;;
    *) database="$work/rinasce.db" ;;
    esac
}

free_port() {
    node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

server_log() {
    echo "--- server log ---" >&2
    cat "$work/server.log" >&2
    if [ -f "$work/second.log" ]; then
        echo "--- second server's log ---" >&2
        cat "$work/second.log" >&2
    fi
}

# `launch_server LOG [ENV=VALUE…]`: a server on a free port, on the suite's
# database, writing to $work/LOG; sets launched_base and launched_pid. Its
# public URL is the first server's, as behind one load balancer.
launch_server() {
    local log=$1 port
    shift
    port=$(free_port)
    launched_base="http://127.0.0.1:${port}"
    env DATABASE_URL="${database:-$work/rinasce.db}" \
        RINASCE_BIND="127.0.0.1:${port}" \
        RINASCE_PUBLIC_URL="${base:-$launched_base}" \
        RINASCE_MAIL=off \
        RINASCE_RATE_LIMIT_PER_MINUTE=100000 \
        RUST_LOG=warn \
        "$@" \
        "$RINASCE_BIN" serve >"$work/$log" 2>&1 &
    launched_pid=$!
    wait_until_answering "$launched_base" "$launched_pid"
}

start_server() {
    base=
    launch_server server.log "$@"
    base=$launched_base
    server_pid=$launched_pid
}

start_second_server() {
    launch_server second.log "$@"
    second_base=$launched_base
    second_pid=$launched_pid
}

# `wait_until_answering URL PID`: until the server at URL answers, or dies.
wait_until_answering() {
    for _ in $(seq 1 60); do
        answers "$1" && return 0
        kill -0 "$2" 2>/dev/null || { server_log; die "the server at $1 exited"; }
        sleep 0.5
    done
    server_log
    die "the server is not answering on $1"
}

answers() {
    node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "${1:-$base}/api/v1/status"
}

# `run_node SCRIPT ARGS...`: a suite's script; on failure the server log, then exit.
run_node() {
    node "$browser_dir/$1" "${@:2}" || { server_log; die "$1 failed"; }
}
