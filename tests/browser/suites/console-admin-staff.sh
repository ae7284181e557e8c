#!/usr/bin/env bash
# The admin pages for staff, thematic areas and settings: an admin (created
# with the command line) signs in through `rinasce staff sign-in-link`, then
# console-admin-staff.mjs does the chores in Chromium.
set -euo pipefail
source "$browser_dir/lib.sh"
start_server RINASCE_MAIL="file:$mail"
rinasce() {
    DATABASE_URL="$work/rinasce.db" RINASCE_PUBLIC_URL="$base" RINASCE_MAIL=off "$RINASCE_BIN" "$@"
}
admin="chiara.conti@comune.example.org"
rinasce staff add --role admin --email "$admin" --name "Chiara Conti" >/dev/null || die "staff add failed"
mario_token=$(rinasce staff add --role moderator --email mario.rossi@comune.example.org --name "Mario Rossi" | tail -n 1)
link=$(rinasce staff sign-in-link --email "$admin" | tail -n 1)
MARIO_TOKEN="$mario_token" run_node console-admin-staff.mjs "$base" "$link"
