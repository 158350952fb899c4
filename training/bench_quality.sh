#!/usr/bin/env bash
# `npm run bench:quality -- --data <dir>`: makes sure training/.venv exists, then runs the benchmark.
# <dir> holds a LightGCN split (train.txt + test.txt) or the importer's events.csv [+ products.csv],
# which is split by time (--test-frac, default 0.2).
# Arguments pass through to training/bench_quality.py (see --help). Runs from the repository root so
# `python -m training.bench_quality` resolves; a relative --data is taken relative to the caller's
# directory (npm runs scripts from the root, so ../shared/datasets/gowalla works from there).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/training/setup.sh"
args=()
while [[ $# -gt 0 ]]; do
  if [[ "$1" == "--data" && $# -gt 1 ]]; then
    args+=("--data" "$(cd "$2" && pwd)"); shift 2
  else
    args+=("$1"); shift
  fi
done
cd "$ROOT"
# One BLAS thread: implicit and torch parallelise themselves; nested BLAS threads only contend on 2 cores.
OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONWARNINGS=ignore exec "$ROOT/training/.venv/bin/python" -m training.bench_quality "${args[@]}"
