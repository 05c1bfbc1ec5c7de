# Every Rust test in the workspace (unit, integration, PostgreSQL-backed through TEST_DATABASE_URL).
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
# `loadgen tune --function-cmd` is tested on a FastAPI app behind Mangum run by awslambdaric
# (loadgen/tests/it/tune/python.rs): its venv, found through TUNE_PYTHON_VENV.
venv_ensure lambda-python
export TUNE_PYTHON_VENV="$ROOT/.venv/lambda-python"
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-tests=warn
  cargo test --workspace --locked --doc
else
  cargo test --workspace --locked
fi
