# A stage made of many checks: each prints one line and a failed one is counted, so that one run
# shows every failure rather than the first; checks_done ends the stage, non-zero when one failed.
# Sourced by scripts/lib/infra.sh and by the stages that check commands' output.
# shellcheck shell=bash

fails=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  fails=$((fails + 1))
}
pass() { printf 'ok: %s\n' "$*"; }

# check NAME EXPECTED ACTUAL
check() {
  if [ "$2" = "$3" ]; then pass "$1 = $3"; else fail "$1: expected $2, got $3"; fi
}

# expect_lines NAME FILE LINE...: each LINE must appear verbatim in FILE.
expect_lines() {
  local name=$1 file=$2 line missing=0
  shift 2
  for line in "$@"; do
    if ! grep -qF -- "$line" "$file"; then
      fail "$name: missing from the output: $line"
      missing=1
    fi
  done
  if [ $missing = 1 ]; then sed 's/^/    | /' "$file" >&2; else pass "$name"; fi
}

# checks_done NAME: end a stage, non-zero when a check failed.
checks_done() {
  if [ "$fails" -gt 0 ]; then
    echo "$1: $fails check(s) failed" >&2
    exit 1
  fi
  echo "$1: every check passed"
}
