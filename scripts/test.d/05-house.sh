# The house rules a machine can check (issue #23): modules depend in one direction, no
# too_many_arguments escape hatch, clap only in the CLI, READMEs short enough to stay guides.
set -euo pipefail
source scripts/lib/checks.sh

if out=$(python3 scripts/lib/import_circles.py 2>&1); then pass "$out"; else fail "$out"; fi

allows=$(grep -rln 'clippy::too_many_arguments' --include='*.rs' api/src loadgen/src costcalc/src | tr '\n' ' ' || true)
if [ -z "$allows" ]; then pass "no too_many_arguments allow in production code"; else fail "too_many_arguments allowed in: $allows (group the arguments into a named struct)"; fi

# clap belongs to the command line: src/main.rs, src/cli.rs and src/cli/ of each crate (code, not
# comments: a line naming clap with no `//` before it).
clap_users=$(grep -rlE '^[^/]*\bclap\b' --include='*.rs' api/src loadgen/src costcalc/src \
  | grep -vE '^[a-z]+/src/(main\.rs|cli\.rs|cli/)' | tr '\n' ' ' || true)
clap_users=${clap_users% }
if [ -z "$clap_users" ]; then pass "clap only in the CLI modules"; else fail "engine modules use clap: $clap_users (move the derive or parser to cli/)"; fi

readme_limit() {
  local file=$1 limit=$2 n
  n=$(wc -l < "$file")
  if [ "$n" -le "$limit" ]; then pass "$file: $n lines (at most $limit)"; else fail "$file: $n lines, over $limit: move detail to docs/"; fi
}
readme_limit README.md 150
for crate in api loadgen costcalc; do readme_limit "$crate/README.md" 300; done

checks_done "house rules"
