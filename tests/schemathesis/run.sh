#!/usr/bin/env bash
# Property-based test of the whole API against the OpenAPI document it
# serves: no server error, and every response as documented (status code,
# content type, headers, body schema). Runs as an admin on a fresh SQLite
# database. Usage: tests/schemathesis/run.sh PATH/TO/rinasce
set -euo pipefail
BIN=$1
WORK=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export DATABASE_URL="$WORK/schemathesis.db" RINASCE_BIND="127.0.0.1:$PORT" RINASCE_MAIL=off \
    RINASCE_RATE_LIMIT_PER_MINUTE=1000000 RUST_LOG=warn
TOKEN=$("$BIN" staff add --role admin --email schemathesis@example.org --name Schemathesis | tail -n 1)
"$BIN" serve >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/api/v1/status" >/dev/null 2>&1 && break
    sleep 0.1
done
if ! st run "http://127.0.0.1:$PORT/api/v1/openapi.json" --url "http://127.0.0.1:$PORT/api/v1" \
    -H "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --max-examples 40 --workers 2 --seed 1 --no-color; then
    echo "--- server log ---"; tail -n 50 "$WORK/server.log"
    exit 1
fi
