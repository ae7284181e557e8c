#!/usr/bin/env bash
# Issue 13's "done when": 30 pending contributions, and two moderators, each
# signed in through the e-mail link in their own browser, clear the queue at
# the same time with "next pending" and "approve and next"
# (console-two-moderators.mjs). On PostgreSQL when TEST_DATABASE_URL names
# a server (a fresh database, dropped at the end), else on SQLite.
set -euo pipefail
source "$browser_dir/lib.sh"
fresh_database
start_server RINASCE_MAIL="file:$mail"
rinasce() { DATABASE_URL="$database" "$RINASCE_BIN" "$@"; }
rinasce staff add --role moderator --email anna.bianchi@comune.example.org --name "Anna Bianchi" >/dev/null \
    || die "staff add failed"
rinasce staff add --role moderator --email marco.neri@comune.example.org --name "Marco Neri" >/dev/null \
    || die "staff add failed"
token=$(rinasce staff add --role moderator --email verifica@comune.example.org --name "Verifica API" | tail -n 1)
node "$browser_dir/seed.mjs" "$base" 30 || { server_log; die "seeding failed"; }
MODERATOR_TOKEN=$token run_node console-two-moderators.mjs "$base" "$mail" \
    anna.bianchi@comune.example.org marco.neri@comune.example.org
