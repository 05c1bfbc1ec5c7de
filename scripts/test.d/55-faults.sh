# The fault suite: the real journal-api binary against PostgreSQL clusters that the tests own and
# break (fast restart, SIGSTOP), directly and behind PgBouncer; see api/tests/it/faults/ (the
# `faults::` tests of the api crate's one integration-test binary). Every wait in it is bounded by
# a documented contract plus a margin.
# The tests are #[ignore]d in the ordinary run (stage 20) and run here, one at a time: each starts
# its own cluster, and running them together would only load a small machine.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/pg.sh

_pg_bin # initdb, pg_ctl and psql on the PATH
need_cmd pgbouncer pgbouncer
FAULTS_PGBOUNCER=$(command -v pgbouncer)
export FAULTS_PGBOUNCER

if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run -p api --locked --no-tests=fail --test it -E 'test(/^faults::/)' \
    --run-ignored only --no-capture
else
  cargo test -p api --locked --test it -- --ignored --test-threads=1 --nocapture faults::
fi
