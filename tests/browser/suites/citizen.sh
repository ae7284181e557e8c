#!/usr/bin/env bash
# The citizens' pages (/, /partecipa, /contributi, /stato/…) in Chromium:
# citizen.mjs with the file mail transport (the acknowledgement's link is
# read from its .eml file) and the access log on, then again against a
# second server whose consultation has closed.
set -euo pipefail
source "$browser_dir/lib.sh"
# A person fills the form in more than a second (the bot timing's floor).
start_server RINASCE_MAIL="file:$mail" RUST_LOG=info RINASCE_FORM_MIN_SECONDS=1
token=$(DATABASE_URL="$work/rinasce.db" "$RINASCE_BIN" staff add --role moderator \
    --email moderatrice@example.org --name "Anna Bianchi" | tail -1)
run_node citizen.mjs open "$base" "$mail" "$work/server.log" "$token"
stop_server
start_server RINASCE_OPENS_AT=2026-01-01T08:00:00Z RINASCE_CLOSES_AT=2026-02-01T08:00:00Z
run_node citizen.mjs closed "$base"
