#!/usr/bin/env bash
# `npm run bench:serve`: the serving benchmark (bench/serve/README.md) on this machine's PostgreSQL
# + pgvector and Redis. Installs what is missing, makes sure both services answer, then runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/ensure-services.sh >&2
exec node --import tsx bench/serve/cli.ts "$@"
