# AWS Lambda (issue 5), the parts that need more than cargo:
#  1. DB_PROXY behind a real transaction pooler: PgBouncer (pool_mode=transaction) in front of the
#     test cluster; the API's PostgreSQL suite runs through it with DB_PROXY's settings, and
#     tests/lambda_proxy.rs shows the same queries fail there with the statement cache on.
#  2. Packaging and the emulator: cargo-lambda (from .venv/lambda) builds the bootstrap, the
#     x86_64 binary's glibc needs are checked, and `cargo lambda watch` runs the real function
#     on loopback, driven with `cargo lambda invoke` (API Gateway v2 events) and plain HTTP on its
#     Function URL path: register, login, create, list, update, delete, and the migrate role, on
#     SQLite and PostgreSQL.
# Bounded: every wait has a timeout, every server started here is stopped on exit.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh

work=$TEST_WORK/lambda
mkdir -p "$work"
pids=()
cleanup_lambda() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "${pb_dir:-/nonexistent}/pgbouncer.pid" ] && kill "$(cat "$pb_dir/pgbouncer.pid")" 2>/dev/null || true
}
trap cleanup_lambda EXIT

# --- 1. PgBouncer ------------------------------------------------------------------------------
need_cmd pgbouncer pgbouncer
pg_hostport=${TEST_DATABASE_URL#*@}
pg_hostport=${pg_hostport%%/*}
pg_port=${pg_hostport##*:}
pb_port=$(free_port)
pb_dir=$work/pgbouncer
mkdir -p "$pb_dir"
# One server connection per database: two client connections that both name a statement
# "sqlx_s_1" meet on the same server, so named statements fail every time instead of by chance;
# it also proves no request needs two connections at once (Lambda gives it one).
prepared_setting=
pb_version=$(pgbouncer --version | awk 'NR==1 {print $2}')
# PgBouncer 1.21+ can track named statements itself; 0 keeps that off, as RDS Proxy behaves.
if [ "$(printf '%s\n1.21.0\n' "$pb_version" | sort -V | head -1)" = 1.21.0 ]; then
  prepared_setting="max_prepared_statements = 0"
fi
cat >"$pb_dir/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$pg_port user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $pb_port
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = 1
max_client_conn = 500
query_wait_timeout = 15
ignore_startup_parameters = extra_float_digits,options
logfile = $pb_dir/pgbouncer.log
pidfile = $pb_dir/pgbouncer.pid
$prepared_setting
EOF
if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$pb_dir"
  runuser -u postgres -- pgbouncer "$pb_dir/pgbouncer.ini" >/dev/null 2>&1 &
else
  pgbouncer "$pb_dir/pgbouncer.ini" >/dev/null 2>&1 &
fi
pids+=($!)
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$pb_port") 2>/dev/null && break
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$pb_port") 2>/dev/null || { cat "$pb_dir/pgbouncer.log" >&2; die "PgBouncer did not start"; }
say "PgBouncer $pb_version on 127.0.0.1:$pb_port (transaction pooling) in front of 127.0.0.1:$pg_port"

proxied() {
  TEST_DB_PROXY=1 TEST_DIRECT_DATABASE_URL=$TEST_DATABASE_URL \
    TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$pb_port/postgres" "$@"
}
say "the API's PostgreSQL suite through PgBouncer, statement cache off (DB_PROXY's settings)"
# lambda_events spawns functions that run their own migrations: those need a direct connection.
proxied cargo nextest run -p api --locked --no-tests=fail \
  -E 'test(/postgres/) - binary(lambda_events)'
say "named statements fail through PgBouncer; DB_PROXY's settings do not"
proxied cargo nextest run -p api --locked --no-tests=fail --test lambda_proxy --run-ignored only
