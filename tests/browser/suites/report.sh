#!/usr/bin/env bash
# GET /api/v1/exports/report: demo contributions and a researcher made with
# the command line, then report.mjs (375 and 1280 px, axe-core, PDF, CSV).
set -euo pipefail
source "$browser_dir/lib.sh"
start_server
export DATABASE_URL="$work/rinasce.db"
"$RINASCE_BIN" demo-data --count "${REPORT_COUNT:-400}" >/dev/null 2>&1 || { server_log; die "demo-data failed"; }
token=$("$RINASCE_BIN" staff add --role researcher --email ricerca@example.org --name Ricerca 2>/dev/null | tail -n 1)
[ -n "$token" ] || die "no researcher token"
run_node report.mjs "$base" "$token"
