#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the team database specs (issue 17), on loopback only, trust authentication,
# owned by the 'postgres' account (PostgreSQL refuses to run as root). Debian's postgresql package provides it.
#   tests/postgres.sh start   creates the cluster (once) and starts it; prints the port
#   tests/postgres.sh kill    stops it at once, as a crash would (pg_ctl -m immediate)
#   tests/postgres.sh stop    stops it cleanly
# TOKUSAGE_TEST_PGDATA (default /tmp/tokusage-test-pg) and TOKUSAGE_TEST_PGPORT (default 54329) choose where.
set -euo pipefail
data="${TOKUSAGE_TEST_PGDATA:-/tmp/tokusage-test-pg}"
port="${TOKUSAGE_TEST_PGPORT:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-start}" in
  start)
    if [ ! -f "$data/PG_VERSION" ]; then
      mkdir -p "$data"
      [ "$(id -u)" = 0 ] && chown postgres "$data"
      as_owner "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
    fi
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -w -t 60 -l "$data/server.log" \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
    fi
    echo "$port"
    ;;
  kill)
    as_owner "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null
    ;;
  *)
    echo "usage: $0 start|kill|stop" >&2
    exit 2
    ;;
esac
