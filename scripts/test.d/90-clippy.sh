# Lints last: clippy builds its own (check) artifacts, so it does not delay the tests.
set -euo pipefail
cargo clippy --workspace --all-targets --locked -- -D warnings
