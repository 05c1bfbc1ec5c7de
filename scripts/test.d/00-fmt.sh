# Formatting first: it takes a second and catches the commonest slip.
set -euo pipefail
cargo fmt --all -- --check
