#!/usr/bin/env bash
# PostgreSQL for the tests of the clustered mode: Debian's package (installed if missing), a throwaway cluster in
# $ASC_TEST_PG_DIR run as the postgres user on 127.0.0.1:$ASC_TEST_PG_PORT, with database asc_sync owned by user asc_sync.
#   .ci/postgres.sh start | stop | status
set -euo pipefail
PORT=${ASC_TEST_PG_PORT:-55432}
DATA=${ASC_TEST_PG_DIR:-/tmp/asc-test-postgres}

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# initdb and postgres refuse to run as root
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
ready() { "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$PORT"; }

case "${1:-start}" in
start)
  if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
    echo "Installing PostgreSQL (Debian package postgresql)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  BIN=$(bindir)
  if ready; then
    echo "PostgreSQL already listens on 127.0.0.1:$PORT"
    exit 0
  fi
  rm -rf "$DATA"
  mkdir -p "$DATA"
  if [ "$(id -u)" = 0 ]; then chown postgres "$DATA"; fi
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
  "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 \
    -c "CREATE USER asc_sync PASSWORD 'asc_sync'" -c "CREATE DATABASE asc_sync OWNER asc_sync" >/dev/null
  echo "PostgreSQL listens on 127.0.0.1:$PORT (database asc_sync, user asc_sync)"
  ;;
stop)
  if [ -f "$DATA/postmaster.pid" ]; then
    as_owner "$(bindir)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$DATA"
  ;;
status)
  ready && echo "up" || { echo "down"; exit 1; }
  ;;
*)
  echo "usage: $0 start|stop|status" >&2
  exit 2
  ;;
esac
