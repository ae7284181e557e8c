#!/usr/bin/env bash
# The researchers' exports page: demo contributions and a researcher made
# with the command line, a sign-in link printed by it, then
# console-exports.mjs (filters, count, every download read back with the
# page's Python snippets, frictionless, axe-core).
set -euo pipefail
source "$browser_dir/lib.sh"
start_server
export DATABASE_URL="$work/rinasce.db" RINASCE_PUBLIC_URL="$base"
"$RINASCE_BIN" demo-data --count "${EXPORTS_COUNT:-300}" >/dev/null 2>&1 || { server_log; die "demo-data failed"; }
"$RINASCE_BIN" staff add --role researcher --email ricerca@example.org --name "Rita Ricerca" >/dev/null 2>&1 \
    || die "no researcher"
link=$("$RINASCE_BIN" staff sign-in-link --email ricerca@example.org 2>/dev/null | tail -n 1)
[ -n "$link" ] || die "no sign-in link"
run_node console-exports.mjs "$base" "$link" "$work/downloads"
