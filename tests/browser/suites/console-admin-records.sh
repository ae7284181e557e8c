#!/usr/bin/env bash
# The admin's record pages: audit log, e-mail outbox, erasure requests
# (console-admin-records.mjs). The server first sends mail to an SMTP port
# where nothing listens, so the acknowledgements fail for good; it is then
# restarted on the same database with the file transport, and the admin
# retries them from the outbox page and finds the .eml files.
set -euo pipefail
source "$browser_dir/lib.sh"
rinasce() {
    DATABASE_URL="$work/rinasce.db" RINASCE_MAIL=off "$RINASCE_BIN" "$@"
}
admin=elena.ferri@comune.example.org
closed_port=$(free_port)
start_server RINASCE_MAIL="smtp://127.0.0.1:$closed_port" RINASCE_MAIL_MAX_ATTEMPTS=1
ADMIN_TOKEN=$(rinasce staff add --role admin --email "$admin" --name "Elena Ferri" | tail -n 1)
MODERATOR_TOKEN=$(rinasce staff add --role moderator --email anna.bianchi@comune.example.org --name "Anna Bianchi" | tail -n 1)
export ADMIN_TOKEN MODERATOR_TOKEN
run_node console-admin-records.mjs seed "$base"
stop_server
start_server RINASCE_MAIL="file:$mail"
run_node console-admin-records.mjs console "$base" "$mail" "$admin"
