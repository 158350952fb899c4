#!/usr/bin/env bash
# Tests use this machine's PostgreSQL (with pgvector) and Redis. Start them if they are installed
# but stopped, and build pgvector if the extension is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "ensure-services: starting Redis" >&2
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  sleep 1
fi
bash scripts/ensure-pgvector.sh
