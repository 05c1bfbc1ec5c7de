# Contract fuzzing: schemathesis (every check) against a live `journal-api serve --dev`, once on
# SQLite and once on a fresh PostgreSQL database; no 5xx, every response as /openapi.json says.
#   SCHEMATHESIS_MAX_EXAMPLES (default 30) and SCHEMATHESIS_SEED (default fixed) tune the run.
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
venv_ensure test
need_cmd psql postgresql-client

# The same build as stage 10 (same features), so after it this is a no-op.
cargo build --workspace --all-targets --locked
BIN=$CARGO_TARGET_DIR/debug/journal-api
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-30}
SEED=${SCHEMATHESIS_SEED:-20261127}

server_pid=
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  local rc=0
  wait "$server_pid" || rc=$?
  server_pid=
  return $rc
}
trap stop_server EXIT

fuzz() {
  local name=$1 url=$2 port log token rc=0
  port=$(free_port)
  log=$TEST_WORK/schemathesis-$name.log
  say "schemathesis against journal-api on $name (127.0.0.1:$port, log $log)"
  env -u JWT_SECRET DATABASE_URL="$url" RUST_LOG=info \
    "$BIN" serve --dev --addr "127.0.0.1:$port" >"$log" 2>&1 &
  server_pid=$!
  wait_http "http://127.0.0.1:$port/health" 30
  token=$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/register" \
    -H 'Content-Type: application/json' \
    -d '{"email":"schemathesis@example.com","password":"fuzzing password"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
  # Hard bound on the run; the examples bound keeps it near 15 s per database.
  # Run from the scratch dir: schemathesis leaves a .schemathesis/ cache in its working directory.
  (cd "$TEST_WORK" && timeout 150 schemathesis --no-color --config-file "$ROOT/api/schemathesis.toml" run \
    "http://127.0.0.1:$port/openapi.json" \
    --checks all \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --request-timeout 10 \
    --header "Authorization: Bearer $token") || rc=$?
  if grep -q 'panicked' "$log"; then
    echo "journal-api panicked during the $name run:" >&2
    grep -m5 'panicked' "$log" >&2
    rc=1
  fi
  # Graceful shutdown must work after a fuzzing run too.
  stop_server || { echo "journal-api ($name) did not exit cleanly on SIGTERM" >&2; rc=1; }
  return $rc
}

failed=0
fuzz sqlite "sqlite://$TEST_WORK/schemathesis.db" || failed=1

pg_db=schemathesis_$$
psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $pg_db" >/dev/null
fuzz postgres "${TEST_DATABASE_URL%/*}/$pg_db" || failed=1

[ $failed = 0 ] || die "schemathesis found contract violations (see above)"
