# When it goes wrong: shards that fail (their reasons and log streams, the job terminated), and a
# wait interrupted with Ctrl-C (the job terminated, its children stopped). Sourced from real.sh.
# shellcheck shell=bash disable=SC2154
say "failing shards"
rc=0
# A mix loadgen refuses: each child exits 1 at once, before any traffic.
timeout 120 scripts/loadgen-distributed --shards 2 --host "$api" --profile steady --duration 5s --seed 3 \
  --start-in 5 --out "$work/failing" -- --mix bogus=1 >"$work/failing.out" 2>"$work/failing.err" || rc=$?
check "exit status when the shards fail" 1 "$rc"
# The first failure stops the wait: at least one shard is reported, each with its log stream.
reported=0
while read -r k stream; do
  reported=$((reported + 1))
  if grep -q '^loadgen: error: ' "$work/batch-logs/$stream" 2>/dev/null; then
    pass "shard $k's reason, exit code and log stream ($stream, which holds loadgen's error)"
  else fail "shard $k: log stream '$stream' does not hold loadgen's error"; fi
done < <(sed -n 's/^shard \([01]\): Essential container in task exited; exit code 1; log stream \(.*\)$/\1 \2/p' "$work/failing.err")
[ "$reported" -ge 1 ] || { sed 's/^/    | /' "$work/failing.err" >&2; fail "no failed shard reported with its reason and log stream"; }
if grep -q "error: job .* failed (above); terminated what was left of it" "$work/failing.err"; then
  pass "the failed job is named and terminated"
else fail "no final error line naming the job"; fi

say "Ctrl-C while the job runs"
# Job control on: a background job of a script otherwise ignores SIGINT, as Ctrl-C would not.
set -m
scripts/loadgen-distributed --shards 2 --host "$api" --profile steady --duration 10m --seed 5 \
  --start-in 600 --out "$work/interrupted" -- --accounts 1 --quiet >"$work/int.out" 2>"$work/int.err" &
int_pid=$!
set +m
pids+=("$int_pid")
for _ in $(seq 1 600); do
  grep -Eq '^\[ *[0-9]+s\] RUNNING: .*RUNNING 2' "$work/int.out" && break
  kill -0 "$int_pid" 2>/dev/null || break
  sleep 0.1
done
kill -INT "$int_pid" 2>/dev/null || true
for _ in $(seq 1 300); do kill -0 "$int_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$int_pid" 2>/dev/null; then
  kill -KILL "$int_pid" 2>/dev/null || true
  fail "scripts/loadgen-distributed did not stop on Ctrl-C within 30 s"
fi
rc=0
wait "$int_pid" || rc=$?
check "exit status after Ctrl-C" 130 "$rc"
int_job=$(sed -n 's/^job \([^:]*\): 2 children.*/\1/p' "$work/int.out")
if grep -q "^terminated job $int_job; what its shards uploaded stays in s3://" "$work/int.err"; then
  pass "Ctrl-C says it terminated job $int_job"
else
  cat "$work/int.out" "$work/int.err" >&2
  fail "Ctrl-C did not say it terminated the job"
fi
# Both children stopped (their processes ended: an exit code is recorded) with the script's reason;
# each stops its run on SIGTERM and exits once its outputs are written and uploaded.
stopped=""
for _ in $(seq 1 300); do
  # shellcheck disable=SC2016 # backticks are JMESPath literals
  stopped=$(aws batch describe-jobs --jobs "$int_job:0" "$int_job:1" \
    --query 'jobs[?status==`FAILED` && container.exitCode!=null].statusReason' --output text)
  [ "$(wc -w <<<"$stopped")" -ge 6 ] && break
  sleep 0.1
done
check "children terminated with the script's reason" \
  "scripts/loadgen-distributed interrupted (Ctrl-C) scripts/loadgen-distributed interrupted (Ctrl-C)" \
  "$(tr -s '\t' ' ' <<<"$stopped")"
# What they measured is kept: each uploaded its outputs (every arrival unsent) before exiting.
int_run=$(sed -n 's/^run id \([^,]*\), seed 5 .*/\1/p' "$work/int.out")
kept=$(aws s3 ls --recursive "s3://$bucket/runs/$int_run/" | awk '{print $4}' | grep -c '/summary.json$' || true)
check "terminated shards' summaries uploaded to runs/$int_run/" 2 "$kept"
