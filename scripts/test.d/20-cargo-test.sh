# Every Rust test in the workspace (unit, integration, PostgreSQL-backed through TEST_DATABASE_URL).
set -euo pipefail
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-tests=warn
  cargo test --workspace --locked --doc
else
  cargo test --workspace --locked
fi
