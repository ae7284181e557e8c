#!/usr/bin/env bash
# The moderation console: two moderators sign in through the e-mail link and
# work the queue in Chromium (console-moderation.mjs).
set -euo pipefail
source "$browser_dir/lib.sh"
start_server RINASCE_MAIL="file:$mail"
add_moderator() {
    DATABASE_URL="$work/rinasce.db" "$RINASCE_BIN" staff add --role moderator --email "$1" --name "$2" | tail -n 1
}
add_moderator anna.bianchi@comune.example.org "Anna Bianchi" >/dev/null
add_moderator marco.neri@comune.example.org "Marco Neri" >/dev/null
MODERATOR_TOKEN=$(add_moderator lettura@comune.example.org "Verifica API") \
    run_node console-moderation.mjs "$base" "$mail" anna.bianchi@comune.example.org marco.neri@comune.example.org
