#!/usr/bin/env bash
# Installs the Node workspaces when package.json/package-lock.json changed since the last install.
# (`npm ci` fails on this registry for jest's optional platform packages; `npm install` with the
# lockfile installs the same versions.)
set -euo pipefail
cd "$(dirname "$0")/.."
# onnxruntime-node's install script would download CUDA files; the CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
stamp=node_modules/.souk-install-stamp
want="$(cat package.json package-lock.json */package.json */*/package.json 2>/dev/null | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "install: npm install (first run takes about a minute)"
  npm install --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
