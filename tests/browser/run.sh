#!/usr/bin/env bash
# Every browser suite, end to end: builds the server once (or uses
# RINASCE_BIN), installs playwright-core and axe-core, then runs each
# tests/browser/suites/*.sh in turn. Each suite sources lib.sh, starts its own
# server against a fresh SQLite file and drives headless Chromium (CHROMIUM,
# default /usr/bin/chromium). `tests/browser/run.sh NAME` runs one suite.
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
    RINASCE_BIN=$PWD/target/debug/rinasce
fi
[ -x "$RINASCE_BIN" ] || die "no server binary at $RINASCE_BIN"
export RINASCE_BIN browser_dir

(cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"

if [ $# -gt 0 ]; then
    suites=()
    for name in "$@"; do suites+=("$browser_dir/suites/$name.sh"); done
else
    suites=("$browser_dir"/suites/*.sh)
fi
for suite in "${suites[@]}"; do
    [ -f "$suite" ] || die "no suite $suite"
    printf '\n--- browser suite %s ---\n' "$(basename "$suite" .sh)"
    bash "$suite" || die "suite $(basename "$suite" .sh) failed"
done
