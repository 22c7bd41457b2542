#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster under /tmp (as user postgres) and print its SQLAlchemy URL.
# Used by .ci/run so the store tests also run on PostgreSQL; fails when PostgreSQL is absent.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || ! id postgres >/dev/null 2>&1; then
  echo "PostgreSQL is not installed (apt-get install postgresql)." >&2
  exit 1
fi
dir=$(mktemp -d /tmp/kpi-pg.XXXXXX)
chown postgres "$dir"
port=${PGTEST_PORT:-$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
su postgres -c "$bin/initdb -D $dir/data -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
su postgres -c "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off' -l $dir/log -w start" >/dev/null
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
