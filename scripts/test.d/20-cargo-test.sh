# Every Rust test in the workspace (unit, integration, PostgreSQL-backed through TEST_DATABASE_URL).
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
# `loadgen tune --function-cmd` is tested on a FastAPI app behind Mangum run by awslambdaric
# (loadgen/tests/it/tune/python.rs): its venv, found through TUNE_PYTHON_VENV.
venv_ensure lambda-python
export TUNE_PYTHON_VENV="$ROOT/.venv/lambda-python"
# ... and on a plain Node.js handler run by aws-lambda-ric, Lambda's Node.js runtime interface client
# (loadgen/tests/it/tune/node.rs): built from npm by scripts/lib/lambda-node.sh, found through
# TUNE_NODE_RIC.
source scripts/lib/lambda-node.sh
lambda_node_ensure
export TUNE_NODE_RIC="$LAMBDA_NODE_RIC"
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-tests=warn
  cargo test --workspace --locked --doc
else
  cargo test --workspace --locked
fi
