#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test against the real PostgreSQL + pgvector
# (127.0.0.1:5432) and Redis (127.0.0.1:6379) of this machine, and against embedded PGlite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/ensure-services.sh
# Before jest: the serving tests train and publish a small model with training/pipeline.py.
bash training/setup.sh

echo "== typecheck"
npx tsc -p tsconfig.json
echo "== supergraph composes and is up to date"
npx tsx schema/compose.ts --check

echo "== jest"
report="$(mktemp)"
status=0
npx jest --ci --json --outputFile="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$report" || true
rm -f "$report"

py_status=0
if [ -d training/tests ] && [ -f training/setup.sh ] && [ "$#" -eq 0 ]; then
  echo "== pytest (training)"
  training/.venv/bin/python -m pytest training/tests -q -p no:cacheprovider || py_status=$?
fi
[ "$status" -eq 0 ] && [ "$py_status" -eq 0 ]
