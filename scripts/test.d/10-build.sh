# Build everything once (tests included); later stages reuse these artifacts.
set -euo pipefail
cargo build --workspace --all-targets --locked
