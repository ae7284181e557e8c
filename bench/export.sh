#!/usr/bin/env bash
# Export benchmark (issue 4): loads COUNT demo contributions into a fresh
# PostgreSQL database with `rinasce demo-data`, starts the release server on
# it, downloads the CSV export over HTTP while watching the server's peak RSS
# (VmHWM in /proc/PID/status, before and after), then times
# `psql \copy (SELECT …) TO STDOUT CSV` of the same rows and columns in the
# same run. Prints a table and writes bench/export-results.json.
#
#   bench/export.sh                 # 1,000,000 rows on postgres://postgres@127.0.0.1:5432
#   COUNT=100000 bench/export.sh    # a quicker run
#   XLSX=1 bench/export.sh          # also the XLSX export (slower)
#
# Targets: demo-data under 120 s for 1,000,000 rows, peak RSS growth under
# 32 MiB, CSV throughput at least 0.5x psql's. Exits non-zero when one is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT="${COUNT:-1000000}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
DATABASE="${BENCH_DATABASE:-rinasce_bench}"
PORT="${PORT:-18089}"
RESULTS=bench/export-results.json
WORK=$(mktemp -d)
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        for _ in $(seq 1 100); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$SERVER_PID" 2>/dev/null && kill -9 "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in psql pg_isready curl python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done
pg_isready -q -d "$PG_ADMIN_URL/postgres" || { echo "bench: PostgreSQL is not answering at $PG_ADMIN_URL" >&2; exit 1; }

now() { date +%s.%N; }
since() { python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$1" "$(now)"; }

echo "==> building the release binary"
cargo build --release --quiet
BIN=target/release/rinasce

echo "==> fresh database $DATABASE"
psql "$PG_ADMIN_URL/postgres" -qc "DROP DATABASE IF EXISTS \"$DATABASE\" WITH (FORCE)"
psql "$PG_ADMIN_URL/postgres" -qc "CREATE DATABASE \"$DATABASE\""
DB_URL="$PG_ADMIN_URL/$DATABASE"

export DATABASE_URL="$DB_URL" RINASCE_MAIL=off RUST_LOG=warn
unset RINASCE_OPENS_AT RINASCE_CLOSES_AT RINASCE_PSEUDONYM_KEY
"$BIN" migrate >/dev/null

echo "==> rinasce demo-data --count $COUNT"
start=$(now)
"$BIN" demo-data --count "$COUNT"
demo_seconds=$(since "$start")
psql "$DB_URL" -qc "VACUUM ANALYZE"

TOKEN=$("$BIN" staff add --role researcher --email "bench-$(date +%s)@comune.example.org" --name "Benchmark" | tail -1)

curl -s -o /dev/null "http://127.0.0.1:$PORT/" && { echo "bench: port $PORT is taken; set PORT" >&2; exit 1; }
echo "==> starting the server on port $PORT"
RINASCE_BIND="127.0.0.1:$PORT" "$BIN" serve &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/api/v1/status" >/dev/null && break
    sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/api/v1/status" >/dev/null || { echo "bench: the server did not start" >&2; exit 1; }

kib() { awk -v field="$1:" '$1 == field { print $2 }' "/proc/$SERVER_PID/status"; }

# A small export first, so that the pseudonym key exists and one-time set-up
# (pool connections, lazy statics) does not count as growth.
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/v1/exports/contributions?format=csv&quartiere=1&thematic_area=citta-intelligente"

echo "==> CSV export over HTTP"
hwm_before=$(kib VmHWM)
rss_before=$(kib VmRSS)
read -r csv_bytes export_seconds < <(curl -sf -o "$WORK/export.csv" -w '%{size_download} %{time_total}\n' \
    -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/exports/contributions?format=csv")
hwm_after=$(kib VmHWM)
rss_after=$(kib VmRSS)
export_rows=$(python3 -c "import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline=''), delimiter=';')) - 1)" "$WORK/export.csv")

echo "==> psql \\copy of the same rows and columns"
# The export's columns (the e-mail in place of its pseudonym), on one line:
# psql ends a backslash command at the end of its line.
COPY_QUERY="SELECT c.id, 'RF-' || lpad(c.seq::text, 6, '0'), c.received_at, c.channel, c.thematic_area, a.name,"
COPY_QUERY+=" c.title, c.body, c.status,"
COPY_QUERY+=" (SELECT string_agg(t.tag, ',' ORDER BY t.tag) FROM contribution_tags t WHERE t.contribution_id = c.id),"
COPY_QUERY+=" c.author_kind, c.organization_name, c.quartiere, c.email, c.published_at,"
COPY_QUERY+=" m.name, m.held_on, m.quartiere"
COPY_QUERY+=" FROM contributions c JOIN thematic_areas a ON a.code = c.thematic_area"
COPY_QUERY+=" LEFT JOIN contribution_meetings m ON m.contribution_id = c.id"
COPY_QUERY+=" WHERE c.status NOT IN ('spam', 'hidden') ORDER BY c.seq"
start=$(now)
psql "$DB_URL" -qc "\\copy ($COPY_QUERY) TO STDOUT CSV" >"$WORK/psql.csv"
psql_seconds=$(since "$start")
psql_bytes=$(stat -c %s "$WORK/psql.csv")
psql_rows=$(psql "$DB_URL" -tAc "SELECT count(*) FROM contributions WHERE status NOT IN ('spam', 'hidden')")

xlsx_json="null"
if [ "${XLSX:-0}" = 1 ]; then
    echo "==> XLSX export over HTTP"
    xlsx_hwm_before=$(kib VmHWM)
    read -r xlsx_bytes xlsx_seconds < <(curl -sf -o "$WORK/export.xlsx" -w '%{size_download} %{time_total}\n' \
        -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/exports/contributions?format=xlsx")
    xlsx_hwm_after=$(kib VmHWM)
    xlsx_json="{\"bytes\": $xlsx_bytes, \"seconds\": $xlsx_seconds, \"vmhwm_before_kib\": $xlsx_hwm_before, \"vmhwm_after_kib\": $xlsx_hwm_after}"
fi

export COUNT demo_seconds export_rows export_seconds csv_bytes psql_rows psql_seconds psql_bytes \
    hwm_before hwm_after rss_before rss_after xlsx_json
python3 bench/export_report.py "$RESULTS"
