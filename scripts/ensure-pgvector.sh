#!/usr/bin/env bash
# Makes `CREATE EXTENSION vector` work on the local PostgreSQL (127.0.0.1:5432).
# Debian 12 ships no pgvector binary package, so when the extension is missing we build Debian's
# own source package (pgvector 0.8.0 from trixie) against the installed server with PGXS (~25 s).
set -euo pipefail
PGHOST="${PGHOST:-127.0.0.1}"; PGPORT="${PGPORT:-5432}"; PGUSER="${PGUSER:-postgres}"
psql_ok() { psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -Atqc "$1" >/dev/null 2>&1; }

if ! psql_ok "select 1"; then
  echo "ensure-pgvector: PostgreSQL is not answering on $PGHOST:$PGPORT; trying to start it" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  sleep 2
fi
if psql_ok "select 1 from pg_available_extensions where name = 'vector'" \
   && [ "$(psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -Atqc "select count(*) from pg_available_extensions where name='vector'")" = "1" ]; then
  echo "ensure-pgvector: pgvector is available"
  exit 0
fi

echo "ensure-pgvector: building pgvector from Debian's source package" >&2
PGVER="$(ls /etc/postgresql | sort -n | tail -1)"
PG_CONFIG="/usr/lib/postgresql/$PGVER/bin/pg_config"
work="$(mktemp -d)"
echo 'deb-src http://deb.debian.org/debian trixie main' > "$work/trixie-src.list"
mkdir -p "$work/lists/partial"
A=(-o "Dir::Etc::sourcelist=$work/trixie-src.list" -o Dir::Etc::sourceparts=/nonexistent -o "Dir::State::Lists=$work/lists")
apt-get "${A[@]}" update -qq
(cd "$work" && apt-get "${A[@]}" source -qq pgvector)
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$PGVER" dpkg-dev >/dev/null
src="$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -1)"
make -s -C "$src" PG_CONFIG="$PG_CONFIG" >/dev/null
make -s -C "$src" install PG_CONFIG="$PG_CONFIG" >/dev/null
rm -rf "$work"
echo "ensure-pgvector: installed"
