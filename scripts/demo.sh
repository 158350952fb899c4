#!/usr/bin/env bash
# `npm run demo`: installs what is missing (Node workspaces, the Python training environment), then
# migrates, generates the demo marketplace (once), serves the subgraphs and the gateway on the
# embedded default (or DATABASE_URL/REDIS_URL), trains and publishes the two-tower model (once),
# and shows the same query answered before and after the model went live.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
if [[ " $* " != *" --no-train "* ]]; then bash training/setup.sh; fi
exec npx tsx packages/launcher/src/cli.ts demo "$@"
