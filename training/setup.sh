#!/usr/bin/env bash
# Creates training/.venv and installs training/requirements.txt into it.
# Idempotent and fast when nothing changed: a stamp file holds the hash of requirements.txt and of
# this script, and the install is skipped when the stamp matches.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.requirements.sha256"
# Python 3.11 (the version the pins were made for), else whatever python3 is, named in $PYTHON to override.
PY="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
if [[ -z "$PY" ]]; then
  echo "training/setup.sh: no python3.11 or python3 on PATH; set PYTHON to a Python 3.11 interpreter" >&2
  exit 1
fi

want="$(cat "$REQ" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  "$PY" -m venv "$VENV"
fi
# The machine's pip.conf lists two local index folders that are absent for most packages; pip warns
# once per package about each. Those lines are noise, everything else goes to stderr.
quiet() { grep -v "is ignored: it is neither a file nor a directory" >&2 || true; }
"$VENV/bin/python" -m pip install --quiet --upgrade pip wheel setuptools 2> >(quiet)

# lightfm 1.17 ships only an sdist whose setup.py does `__builtins__.__LIGHTFM_SETUP__ = True`, which
# fails under modern pip/setuptools (there __builtins__ is a dict). Build a wheel from a patched copy
# once, cache it, and let pip prefer that wheel over the sdist for `lightfm==1.17`.
WHEELS="$HERE/.cache/wheels"
if ! ls "$WHEELS"/lightfm-1.17-*.whl >/dev/null 2>&1; then
  LFM_SHA="2b77ada182ccd768a8d7643ab3cfcd8b6e855db09087f7cc7329bd63316697a8"
  tmp="$(mktemp -d)"
  # The sdist comes from the package index pip itself uses (its simple API; `pip download` cannot
  # fetch it: it would run the very setup.py that fails). The checksum pins the file patched below.
  "$VENV/bin/python" - "$tmp/lightfm.tar.gz" <<'PY'
import re, ssl, sys, urllib.request
from pip._internal.models.index import PyPI
ctx = ssl.create_default_context(cafile="/etc/ssl/certs/ca-certificates.crt")
page = urllib.request.urlopen(f"{PyPI.simple_url}/lightfm/", context=ctx).read().decode()
url = next(u for u in re.findall(r'href="([^"]+)"', page) if "lightfm-1.17.tar.gz" in u).split("#")[0]
with urllib.request.urlopen(url, context=ctx) as r, open(sys.argv[1], "wb") as f:
    f.write(r.read())
PY
  echo "$LFM_SHA  $tmp/lightfm.tar.gz" | sha256sum -c --quiet -
  tar xzf "$tmp/lightfm.tar.gz" -C "$tmp"
  sed -i 's/^__builtins__.__LIGHTFM_SETUP__ = True/import builtins; builtins.__LIGHTFM_SETUP__ = True/' "$tmp/lightfm-1.17/setup.py"
  mkdir -p "$WHEELS"
  # setuptools prints pages of deprecation warnings for lightfm's setup.cfg: keep them in a log.
  "$VENV/bin/python" -m pip wheel --quiet --no-deps "$tmp/lightfm-1.17" -w "$WHEELS" > "$HERE/.cache/lightfm-build.log" 2>&1 \
    || { cat "$HERE/.cache/lightfm-build.log" >&2; exit 1; }
  rm -rf "$tmp"
fi
"$VENV/bin/python" -m pip install --quiet --find-links "$WHEELS" -r "$REQ" 2> >(quiet)
echo "$want" > "$STAMP"
echo "training/.venv ready ($("$VENV/bin/python" -c 'import torch; print("torch", torch.__version__)'))" >&2
