# A throwaway PostgreSQL cluster for tests and benchmarks. Source after common.sh.
# pg_start DIR  -> exports PG_PORT and TEST_DATABASE_URL (superuser URL to the "postgres" db)
# pg_stop       -> stops it (safe to call twice)
# shellcheck shell=bash

_pg_bin() {
  # initdb/pg_ctl are on the PATH on the reference machine; Debian hides them otherwise.
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then return 0; fi
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { PATH="$d:$PATH"; export PATH; return 0; }
  done
  need_cmd psql postgresql
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { PATH="$d:$PATH"; export PATH; return 0; }
  done
  die "PostgreSQL server binaries not found even after installing postgresql"
}

# Run a command as the cluster owner: as root that is "postgres" (initdb refuses root).
_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  _pg_bin
  PG_DIR=$1
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    chown postgres "$PG_DIR"
    chmod 755 "$(dirname "$PG_DIR")"
  fi
  PG_PORT=$(free_port)
  _pg_as_owner initdb -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  # Loopback only, sockets in our own dir; fsync off: a throwaway cluster needs speed, not durability.
  _pg_as_owner pg_ctl -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  export PG_DIR PG_PORT
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  say "PostgreSQL $(_pg_as_owner pg_ctl --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] || return 0
  _pg_as_owner pg_ctl -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  PG_DIR=
}
