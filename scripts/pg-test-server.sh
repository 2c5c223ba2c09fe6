#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS 3 server for the tests (Debian packages postgresql-15,
# postgresql-15-postgis-3): its own data directory, scram-sha-256 authentication, a superuser
# `lifecircle`, loopback port 54329 and a unix socket in the data directory, database
# `lifecircle_test` with PostGIS. The system cluster is never touched.
#
#   scripts/pg-test-server.sh start   # (re)creates and starts it; prints the GDAL connection string
#   scripts/pg-test-server.sh stop    # stops it and removes the data directory
#
# Environment: LC_PG_DIR (default /tmp/lifecircle-pg), LC_PG_PORT (54329), LC_PG_PASSWORD.
# Run as root (initdb refuses root, so the server runs as the `postgres` OS user) or as any
# other user (the server then runs as that user).
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DIR=${LC_PG_DIR:-/tmp/lifecircle-pg}
PORT=${LC_PG_PORT:-54329}
PASSWORD=${LC_PG_PASSWORD:-lifecircle-test-pw}
USER_NAME=lifecircle
DB=lifecircle_test

as_server() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

stop_server() {
  if [ -f "$DIR/PG_VERSION" ] && [ -f "$DIR/postmaster.pid" ]; then
    as_server "$PGBIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
start)
  [ -x "$PGBIN/initdb" ] || { echo "pg-test-server: $PGBIN/initdb missing (apt-get install postgresql-15)" >&2; exit 1; }
  [ -f /usr/share/postgresql/15/extension/postgis.control ] ||
    { echo "pg-test-server: PostGIS missing (apt-get install postgresql-15-postgis-3)" >&2; exit 1; }
  stop_server
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
  pwfile=$(mktemp)
  printf '%s\n' "$PASSWORD" >"$pwfile"
  chmod 644 "$pwfile"   # initdb runs as postgres; the file is removed right after
  as_server "$PGBIN/initdb" -D "$DIR" -U "$USER_NAME" --pwfile="$pwfile" --auth=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$DIR.initdb.log" 2>&1 ||
    { rm -f "$pwfile"; cat "$DIR.initdb.log" >&2; exit 1; }
  rm -f "$pwfile" "$DIR.initdb.log"
  as_server "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR -c fsync=off" start >/dev/null ||
    { cat "$DIR/server.log" >&2; exit 1; }
  export PGPASSWORD="$PASSWORD"
  "$PGBIN/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres \
    -c "CREATE DATABASE $DB" >/dev/null
  "$PGBIN/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d "$DB" \
    -c "CREATE EXTENSION postgis" >/dev/null
  echo "PG:host=127.0.0.1 port=$PORT dbname=$DB user=$USER_NAME password=$PASSWORD"
  ;;
stop)
  stop_server
  rm -rf "$DIR"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
