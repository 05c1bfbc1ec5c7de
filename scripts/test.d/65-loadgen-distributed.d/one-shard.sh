# One shard is a plain job (no array, no AWS_BATCH_JOB_ARRAY_INDEX: batch/1 is 0/1), here started
# late on purpose (--start-in 0) so the script must warn; and a stack that does not exist.
# Sourced from real.sh (its $api, $bucket).
# shellcheck shell=bash disable=SC2154,SC2015 # the stage's variables; pass never fails
say "one shard, a plain job, started late"
rc=0
timeout 180 scripts/loadgen-distributed --shards 1 --host "$api" --profile steady --duration 3s --seed 2 \
  --start-in 0 --out "$work/one" -- --mix "health=1" --quiet >"$work/one.out" 2>"$work/one.err" || rc=$?
check "exit status of the one-shard run" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/    | /' "$work/one.out" "$work/one.err" >&2
one_run=$(sed -n 's/^run id \([^,]*\), seed 2 .*/\1/p' "$work/one.out")
grep -q -- '--array-properties' "$work/one.out" && fail "one shard was submitted as an array"
grep -Eq '^\[ *[0-9]+s\] SUCCEEDED: .*SUCCEEDED 1 FAILED 0$' "$work/one.out" \
  && pass "the plain job's progress ends on SUCCEEDED 1" || fail "no final progress line for the plain job"
one_keys=$(aws s3 ls --recursive "s3://$bucket/runs/$one_run/" | awk '{print $4}' | grep -c '/shard-0/summary.json$' || true)
check "its outputs under runs/$one_run/shard-0/" 1 "$one_keys"
grep -q '^loadgen: warning: shard 0/1 was ready [0-9.]*s after --start-at: its arrivals due before then count as dropped; give the shards more time before the start (scripts/loadgen-distributed: --start-in)$' "$work/one.err" \
  && pass "a late shard is named with how late it was" || fail "no warning for the late shard: $(cat "$work/one.err")"
python3 - "$work/one/summary.json" <<'PY' && pass "one shard merged: 30 arrivals (10/s x 3 s), each sent or dropped" \
  || fail "the one-shard summary does not add up (above)"
import json, sys
s = json.load(open(sys.argv[1]))
a = s["arrivals"]
ok = a["scheduled"] == 30 and a["sent"] + a["dropped"] == 30 and s.get("merged_shards") == 1
print(a, s.get("merged_shards"), file=sys.stderr) if not ok else None
sys.exit(0 if ok else 1)
PY
grep -q '^Fargate tasks: 1 run of 1 vCPU / 2 GiB (arm64, on-demand)$' "$work/one.out" \
  && pass "its cost is priced" || fail "no cost for the one shard"

rc=0
out=$(timeout 60 scripts/loadgen-distributed --shards 2 --host "$api" --profile steady --stack no-such-stack \
  --out "$work/no-stack" 2>&1) || rc=$?
check "exit status for a stack that does not exist" 1 "$rc"
if grep -q "^error: no stack no-such-stack in us-east-1 (.*): deploy infra/loadgen/template.yaml first" <<<"$out"; then
  pass "a missing stack is named, with what to do"
else fail "no clear error for a missing stack: $out"; fi
