#!/usr/bin/env bash
# End-to-end browser tests: runs the release binary on a fresh SQLite data folder, creates the
# units, accounts, problems and cases the tests need (lib/setup.mjs: JSON API and
# `rectify user add`), then drives headless Debian Chromium with playwright-core under Node's
# test runner. Screenshots of the main pages go to target/e2e/.
#
#   RECTIFY_BIN   the binary (default target/release/rectify; built by the caller)
#   CHROMIUM      the browser (default /usr/bin/chromium)
#   E2E_KEEP=1    keep the data folder and the server log
#   extra arguments are passed to `node --test` (e.g. --test-name-pattern=axe)
set -euo pipefail
E2E_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$E2E_DIR/.." && pwd)"
cd "$ROOT"

BIN="${RECTIFY_BIN:-target/release/rectify}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
if [ ! -x "$BIN" ]; then
  echo "error: no rectify binary at $BIN (build it: cargo build --release -p rectify)" >&2
  exit 2
fi
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "error: no Chromium at $CHROMIUM (apt-get install chromium fonts-noto-cjk)" >&2
  exit 2
fi

# playwright-core only (it downloads no browser); installed from the lockfile once.
if [ ! -d "$E2E_DIR/node_modules/playwright-core" ] || [ ! -d "$E2E_DIR/node_modules/axe-core" ]; then
  echo "== npm ci (e2e)"
  (cd "$E2E_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

SHOTS="$ROOT/target/e2e"
mkdir -p "$SHOTS"
rm -f "$SHOTS"/*.png
DATA="$(mktemp -d "${TMPDIR:-/tmp}/rectify-e2e.XXXXXX")"
LOG="$SHOTS/server.log"
PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
BASE_URL="http://127.0.0.1:$PORT"
SERVER_PID=""

cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${E2E_KEEP:-}" = 1 ]; then
    echo "kept: data $DATA, server log $LOG"
  else
    rm -rf "$DATA"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server's own settings only: nothing from the caller's environment picks another store.
unset RECTIFY_DATABASE_URL RECTIFY_DATA RECTIFY_ADDR RECTIFY_SMTP_URL RECTIFY_SMS_WEBHOOK RECTIFY_SECURE_COOKIES
export RECTIFY_ADMIN_PASSWORD="e2e-Admin-pass-2024"

echo "== rectify serve on $BASE_URL (data $DATA)"
RECTIFY_LOG="${RECTIFY_LOG:-warn}" "$BIN" serve --data "$DATA" --addr "127.0.0.1:$PORT" --no-notify >"$LOG" 2>&1 &
SERVER_PID=$!

ready=""
for _ in $(seq 1 150); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "error: the server stopped; its log:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/healthz" || true)" = 200 ]; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "error: $BASE_URL/healthz did not answer 200 within 30 s; server log:" >&2
  cat "$LOG" >&2
  exit 1
fi

export BASE_URL E2E_SHOTS="$SHOTS" E2E_FIXTURES="$DATA/e2e-fixtures.json"
echo "== setup (JSON API, rectify user add)"
RECTIFY_BIN="$BIN" RECTIFY_DATA_DIR="$DATA" node "$E2E_DIR/lib/setup.mjs"

echo "== browser tests ($("$CHROMIUM" --version 2>/dev/null || echo chromium))"
cd "$E2E_DIR"
status=0
node --test --test-concurrency=1 --test-timeout=120000 --test-reporter=spec "$@" tests/*.test.mjs || status=$?
echo "screenshots: $SHOTS"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  server_rc=0
  wait "$SERVER_PID" || server_rc=$?
  echo "error: the server exited during the tests (status $server_rc; 143 or 137 = killed by a signal)" >&2
  SERVER_PID=""
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "server log (last 40 lines):"
  tail -n 40 "$LOG" || true
fi
exit "$status"
