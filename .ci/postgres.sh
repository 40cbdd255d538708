#!/usr/bin/env bash
# PostgreSQL for the tests of the clustered mode: Debian's package (installed if missing), a throwaway cluster in
# $ASC_TEST_PG_DIR run as the postgres user on 127.0.0.1, with database asc_sync owned by user asc_sync. Its port is
# $ASC_TEST_PG_PORT when set, else one the OS gives as free; either way it is written to $ASC_TEST_PG_DIR.port, where
# the tests (src/test/java/.../Postgres.java) read it.
#   .ci/postgres.sh start | stop | status
set -euo pipefail
DATA=${ASC_TEST_PG_DIR:-/tmp/asc-test-postgres}
PORT_FILE=$DATA.port
PORT=${ASC_TEST_PG_PORT:-$(cat "$PORT_FILE" 2>/dev/null || true)}

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# initdb and postgres refuse to run as root
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
ready() { [ -n "$PORT" ] && "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$PORT"; }
# a port nothing listens on, from the OS (bind to port 0)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

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
  rm -rf "$DATA" "$PORT_FILE"
  mkdir -p "$DATA"
  if [ "$(id -u)" = 0 ]; then chown postgres "$DATA"; fi
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  # another program may take the free port between asking and listening: then ask again
  for attempt in 1 2 3; do
    [ -n "${ASC_TEST_PG_PORT:-}" ] || PORT=$(free_port)
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off -c max_connections=200" \
      start >/dev/null && break
    [ "$attempt" -lt 3 ] && [ -z "${ASC_TEST_PG_PORT:-}" ] || { tail -5 "$DATA/server.log" >&2; exit 1; }
  done
  echo "$PORT" > "$PORT_FILE"
  "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 \
    -c "CREATE USER asc_sync PASSWORD 'asc_sync'" -c "CREATE DATABASE asc_sync OWNER asc_sync" >/dev/null
  echo "PostgreSQL listens on 127.0.0.1:$PORT (database asc_sync, user asc_sync)"
  ;;
stop)
  if [ -f "$DATA/postmaster.pid" ]; then
    as_owner "$(bindir)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$DATA" "$PORT_FILE"
  ;;
status)
  ready && echo "up" || { echo "down"; exit 1; }
  ;;
*)
  echo "usage: $0 start|stop|status" >&2
  exit 2
  ;;
esac
