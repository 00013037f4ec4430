#!/usr/bin/env bash
# Runs a command with the mock API listening on 127.0.0.1:$MOCK_PORT (default 8787),
# then stops the mock, whatever the command's outcome. Exit status: the command's.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${MOCK_PORT:-8787}"
log="target/mock-$port.log"
mkdir -p target
if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
  echo "with-mock: port $port is taken by another server; set MOCK_PORT" >&2
  exit 1
fi
node mock/server.mjs --port "$port" >"$log" 2>&1 &
mock=$!
trap 'kill $mock 2>/dev/null || true; wait $mock 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 $mock 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
export PENDING_MOCK_URL="http://127.0.0.1:$port"
"$@"
