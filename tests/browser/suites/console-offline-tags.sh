#!/usr/bin/env bash
# The moderators' offline registration and tags pages in Chromium
# (console-offline-tags.mjs): a contribution from a meeting registered with a
# double click (stored once), then tags renamed and merged.
set -euo pipefail
source "$browser_dir/lib.sh"
start_server RINASCE_MAIL="file:$mail"
rinasce() { DATABASE_URL="$work/rinasce.db" "$RINASCE_BIN" "$@"; }
rinasce staff add --role moderator --email anna.bianchi@comune.example.org --name "Anna Bianchi" >/dev/null
token=$(rinasce staff add --role moderator --email verifica@comune.example.org --name "Verifica API" | tail -n 1)
link=$(RINASCE_PUBLIC_URL="$base" rinasce staff sign-in-link --email anna.bianchi@comune.example.org | tail -n 1)
MODERATOR_TOKEN="$token" run_node console-offline-tags.mjs "$base" "$link" "$mail"
