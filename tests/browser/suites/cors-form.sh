#!/usr/bin/env bash
# A form on another origin posting through CORS: cors-form.mjs serves the
# README's Rete Civica snippets from two origins of its own, the first
# allowed (RINASCE_CORS_ORIGINS, RINASCE_FRAME_ANCESTORS), the second not.
# A low rate limit, so that a 429 and its Retry-After are reached.
set -euo pipefail
source "$browser_dir/lib.sh"
allowed_port=$(free_port)
other_port=$(free_port)
while [ "$other_port" = "$allowed_port" ]; do other_port=$(free_port); done
start_server RINASCE_CORS_ORIGINS="http://127.0.0.1:$allowed_port" \
    RINASCE_FRAME_ANCESTORS="http://127.0.0.1:$allowed_port" \
    RINASCE_RATE_LIMIT_PER_MINUTE=3 RINASCE_FORM_MIN_SECONDS=1
run_node cors-form.mjs "$base" "$allowed_port" "$other_port"
