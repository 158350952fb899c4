#!/usr/bin/env bash
# `npm run demo`: installs what is missing, then migrates, generates the demo marketplace (once),
# and serves the subgraphs and the gateway on the embedded default (or DATABASE_URL/REDIS_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec npx tsx packages/launcher/src/cli.ts demo "$@"
