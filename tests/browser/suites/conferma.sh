#!/usr/bin/env bash
# /conferma/{token}: a submission's acknowledgement link, then conferma.mjs
# at 375 and 1280 px, keyboard only.
set -euo pipefail
source "$browser_dir/lib.sh"
start_server RINASCE_MAIL="file:$mail"
run_node conferma.mjs "$base" "$mail"
