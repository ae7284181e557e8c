#!/usr/bin/env bash
# /cruscotto: demo contributions loaded through the public API, then
# cruscotto.mjs at 375 and 1280 px.
set -euo pipefail
source "$browser_dir/lib.sh"
start_server
run_node seed.mjs "$base" "${SEED_COUNT:-60}"
run_node cruscotto.mjs "$base"
