#!/usr/bin/env bash
# /console sign-in with the Comune's identity provider: a real OpenID
# Connect server (oauth2-mock-server, started by console-oidc.mjs on a free
# loopback port) and the service configured for it; a moderator created
# with the command line signs in through the browser, and the refusals
# (wrong audience, wrong nonce, unverified or unknown address, provider
# down) open no session. A sign-in begun on a second server process (same
# database and public URL) is finished by the first. The sign-ins are
# audited with method "oidc".
set -euo pipefail
source "$browser_dir/lib.sh"
issuer_port=$(free_port)
issuer="http://127.0.0.1:${issuer_port}"
oidc=(RINASCE_OIDC_ISSUER="$issuer" RINASCE_OIDC_CLIENT_ID=rinasce-console
    RINASCE_OIDC_CLIENT_SECRET=console-secret)
start_server "${oidc[@]}" RUST_LOG=info
start_second_server "${oidc[@]}"
email="anna.bianchi@comune.example.org"
DATABASE_URL="$work/rinasce.db" "$RINASCE_BIN" staff add --role moderator \
    --email "$email" --name "Anna Bianchi" >/dev/null || die "staff add failed"
run_node console-oidc.mjs "$base" "$issuer_port" "$email" "$second_base"
methods=$(sqlite3 "$work/rinasce.db" \
    "SELECT count(*) FROM audit_events WHERE action = 'console_signed_in' AND to_value = 'oidc'")
[ "$methods" = 2 ] || { server_log; die "expected two audited oidc sign-ins, found $methods"; }
echo "console-oidc: the two sign-ins audited with method oidc"
# Each refusal for its own reason, as the log tells it.
for reason in "Invalid audiences" "nonce" "email not verified" "no email claim" "no active account"; do
    grep "refused" "$work/server.log" | grep -q "$reason" || { server_log; die "no sign-in refused for: $reason"; }
done
echo "console-oidc: each refusal logged with its reason"
