#!/usr/bin/env bash
# /console sign-in by e-mail link: a moderator created with the command
# line, the link read from the delivered .eml file, then
# console-signin.mjs at 375 and 1280 px.
set -euo pipefail
source "$browser_dir/lib.sh"
start_server RINASCE_MAIL="file:$mail"
email="anna.bianchi@comune.example.org"
DATABASE_URL="$work/rinasce.db" "$RINASCE_BIN" staff add --role moderator \
    --email "$email" --name "Anna Bianchi" >/dev/null || die "staff add failed"
run_node console-signin.mjs "$base" "$mail" "$email"
