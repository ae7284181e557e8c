#!/usr/bin/env bash
# Reads at scale (issue 18): loads COUNT demo contributions (1,000,000 by
# default) into a fresh database of BACKEND, makes twenty rare words
# findable through the API, restarts the release server cold, then measures:
#   - the first /similar after the start, and the server's RSS before and after it;
#   - the slowest first ask of a two-common-word search (before it is remembered);
#   - p95 of every read the targets name (bench/paths.lua over the files that
#     bench/scale_paths.py writes), at READERS connections for SECONDS each:
#     /contributions with and without q, /contributions/{id},
#     /moderation/contributions with each filter and with q, later /similar;
#   - /indicators right after a write (bench/after_write.py).
# Writes bench/scale-results-BACKEND.json; bench/run prints the targets.
#
#   bench/scale.sh postgres|sqlite          (COUNT=100000 for a quicker run)
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND=${1:?usage: bench/scale.sh postgres|sqlite}
COUNT=${COUNT:-1000000}
SECONDS_EACH=${BENCH_READ_SECONDS:-10}
READERS=${BENCH_READ_CONNECTIONS:-4}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}
RESULTS=bench/scale-results-$BACKEND.json
WORK=$(mktemp -d)
SERVER_PID=
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
trap 'stop_server; rm -rf "$WORK"' EXIT

die() { echo "bench/scale: $*" >&2; exit 1; }
for tool in wrk curl python3; do command -v "$tool" >/dev/null || die "$tool is needed"; done

if [ -z "${BIN:-}" ]; then
    echo "==> building the release binary" >&2
    cargo build --release --locked -q
    BIN=$PWD/target/release/rinasce
fi

case $BACKEND in
postgres)
    pg_isready -q -d "$PG_ADMIN_URL/postgres" || die "PostgreSQL is not answering at $PG_ADMIN_URL"
    psql "$PG_ADMIN_URL/postgres" -qc "DROP DATABASE IF EXISTS rinasce_bench_scale WITH (FORCE)" \
        -qc "CREATE DATABASE rinasce_bench_scale" >/dev/null
    DB_URL=$PG_ADMIN_URL/rinasce_bench_scale
    ;;
sqlite) DB_URL=$WORK/scale.db ;;
*) die "unknown backend $BACKEND" ;;
esac
export DATABASE_URL=$DB_URL RINASCE_MAIL=off RUST_LOG=warn RINASCE_RATE_LIMIT_PER_MINUTE=1000000
unset RINASCE_OPENS_AT RINASCE_CLOSES_AT

now() { date +%s.%N; }
"$BIN" migrate >/dev/null
echo "==> $BACKEND: rinasce demo-data --count $COUNT" >&2
started=$(now)
"$BIN" demo-data --count "$COUNT" >&2
DEMO_SECONDS=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))" "$started" "$(now)")
[ "$BACKEND" = postgres ] && psql "$DB_URL" -qc "VACUUM ANALYZE"
TOKEN=$("$BIN" staff add --role moderator --email "scale-$(date +%s)@comune.example.org" --name "Benchmark" | tail -n 1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_server() {
    PORT=$(free_port)
    BASE=http://127.0.0.1:$PORT
    RINASCE_BIND=127.0.0.1:$PORT "$BIN" serve >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        curl -fs "$BASE/api/v1/status" >/dev/null 2>&1 && return
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    die "the server did not start: $(tail -5 "$WORK/server.log")"
}
rss_mib() { awk '$1 == "VmRSS:" { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

echo "==> preparing the requests" >&2
start_server
python3 bench/scale_paths.py "$BASE" "$TOKEN" "$WORK/paths"
stop_server

echo "==> cold start: the first /similar" >&2
start_server
RSS_BEFORE=$(rss_mib)
FIRST_SIMILAR_MS=$(curl -fs -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
    "$BASE$(head -n 1 "$WORK/paths/similar.txt")" | python3 -c 'import sys; print(round(float(sys.stdin.read()) * 1000, 1))')
RSS_AFTER=$(rss_mib)
# A search matching more than 1,000 is remembered for a minute per process
# (README, "Counts beside a list"): the first ask of each common pair, before
# the measure repeats them, is the cost without that memory.
FIRST_Q_TWO_MS=$(while read -r path; do
    curl -fs -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$BASE$path"
done <"$WORK/paths/mod_q_two.txt" | python3 -c 'import sys; print(round(max(float(t) for t in sys.stdin) * 1000, 1))')

measure() { # measure NAME: p95 of the paths in NAME.txt
    echo "==> $BACKEND: $1" >&2
    local line
    line=$(BENCH_PATHS=$WORK/paths/$1.txt BENCH_TOKEN=$TOKEN \
        wrk -t2 -c"$READERS" -d"${SECONDS_EACH}s" -s bench/paths.lua "$BASE" | grep '^RESULT' | tail -n 1)
    # Echoed to stderr through the inherited descriptor: `tee /dev/stderr`
    # reopened it and truncated a log that stderr was redirected to.
    echo "$line" >&2
    echo "${line/#RESULT/$1}"
}
{
    for name in public_list public_q_rare public_q_two public_one mod_list mod_status mod_area mod_tag \
        mod_quartiere mod_channel mod_author_kind mod_dates mod_q_rare mod_q_two similar; do
        measure "$name"
    done
    echo "==> $BACKEND: /indicators right after a write" >&2
    python3 bench/after_write.py "$BASE" 200 | sed 's/^RESULT/indicators_after_write/'
} >"$WORK/measures.txt"
stop_server

python3 - "$RESULTS" "$BACKEND" "$COUNT" "$DEMO_SECONDS" "$FIRST_SIMILAR_MS" "$RSS_BEFORE" "$RSS_AFTER" \
    "$READERS" "$WORK/measures.txt" "$FIRST_Q_TWO_MS" <<'PY'
import json, re, sys
results, backend, count, demo, first, before, after, readers, measures, first_q_two = sys.argv[1:]
reads = {}
for line in open(measures):
    name, rest = line.split(" ", 1)
    reads[name] = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", rest)}
json.dump({"backend": backend, "count": int(count), "demo_data_seconds": float(demo),
           "connections": int(readers), "first_similar_ms": float(first),
           "first_q_two_ms": float(first_q_two),
           "rss_mib": {"before_first_similar": float(before), "after_first_similar": float(after)},
           "reads": reads}, open(results, "w"), indent=2)
print(f"wrote {results}", file=sys.stderr)
PY
