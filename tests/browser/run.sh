#!/usr/bin/env bash
# The dashboard in a real browser, end to end: builds the server (or uses
# RINASCE_BIN), starts it on a free port against a fresh SQLite file, loads
# demo contributions through the public API, runs cruscotto.mjs in headless
# Chromium (CHROMIUM, default /usr/bin/chromium) and stops the server.
# Screenshots land in tests/browser/screenshots/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")"
browser_dir=$(pwd)
cd ../..

die() { printf '\nBROWSER TEST FAILED: %s\n' "$*" >&2; exit 1; }

export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (apt-get install chromium)"
command -v node >/dev/null || die "node is not installed"
command -v npm >/dev/null || die "npm is not installed"

if [ -z "${RINASCE_BIN:-}" ]; then
    cargo build --locked --bin rinasce
    RINASCE_BIN=target/debug/rinasce
fi
[ -x "$RINASCE_BIN" ] || die "no server binary at $RINASCE_BIN"

(cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"

work=$(mktemp -d)
server_pid=
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop_server EXIT

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
base="http://127.0.0.1:${port}"

DATABASE_URL="$work/rinasce.db" \
RINASCE_BIND="127.0.0.1:${port}" \
RINASCE_PUBLIC_URL="$base" \
RINASCE_MAIL=off \
RINASCE_RATE_LIMIT_PER_MINUTE=100000 \
RUST_LOG=warn \
    "$RINASCE_BIN" serve >"$work/server.log" 2>&1 &
server_pid=$!

answers() {
    node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$base/api/v1/status"
}
for _ in $(seq 1 60); do
    answers && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "the server exited"; }
    sleep 0.5
done
answers || { cat "$work/server.log" >&2; die "the server is not answering on $base"; }

node "$browser_dir/seed.mjs" "$base" "${SEED_COUNT:-60}" || die "loading demo data failed"
if ! node "$browser_dir/cruscotto.mjs" "$base"; then
    echo "--- server log ---" >&2
    cat "$work/server.log" >&2
    die "see above"
fi
