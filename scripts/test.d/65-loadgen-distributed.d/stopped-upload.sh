# A run stopped early (SIGTERM, as terminate-job stops a Batch task) still writes its outputs and
# uploads them: `loadgen run --upload` against ministack's S3, outside Batch (keys without a
# shard folder). Sourced from real.sh (its $api, $bucket, $bin, $pids).
# shellcheck shell=bash disable=SC2154,SC2015 # the stage's variables; pass never fails
say "a run stopped by SIGTERM writes and uploads what it measured"
"$bin/loadgen" run --host "$api" --profile steady --duration 120s --seed 9 --mix "health=1" \
  --out "$work/stopped" --upload "s3://$bucket/runs/stopped" >"$work/stopped.out" 2>"$work/stopped.err" &
lg_pid=$!
pids+=("$lg_pid")
# Once traffic flows (a progress line with requests sent), however long a busy machine takes.
for _ in $(seq 1 600); do
  grep -Eq 'sent [1-9]' "$work/stopped.err" && break
  kill -0 "$lg_pid" 2>/dev/null || break
  sleep 0.1
done
kill -TERM "$lg_pid" 2>/dev/null || true
for _ in $(seq 1 600); do kill -0 "$lg_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$lg_pid" 2>/dev/null && { kill -KILL "$lg_pid"; fail "loadgen did not stop within 60 s of SIGTERM"; }
rc=0
wait "$lg_pid" || rc=$?
check "exit status of a run stopped by SIGTERM" 130 "$rc"
grep -q "the run was cut short" "$work/stopped.out" && pass "it says the run was cut short" \
  || fail "no 'cut short' line: $(cat "$work/stopped.out")"
aws s3 ls --recursive "s3://$bucket/runs/stopped/" | awk '{print $4}' | sort >"$work/stopped.keys"
if [ "$(cat "$work/stopped.keys")" = "$(printf 'runs/stopped/%s\n' accounts.json report.html report.json report.md summary.json)" ]; then
  pass "every output uploaded under runs/stopped/ (no shard folder)"
else fail "uploaded keys: $(tr '\n' ' ' <"$work/stopped.keys")"; fi
aws s3 cp --only-show-errors "s3://$bucket/runs/stopped/summary.json" "$work/stopped-summary.json"
python3 - "$work/stopped-summary.json" <<'PY' && pass "the uploaded summary accounts for every arrival: sent + dropped + unsent" \
  || fail "the uploaded summary does not add up (above)"
import json, sys
a = json.load(open(sys.argv[1]))["arrivals"]
ok = a["unsent"] > 0 and a["sent"] > 0 and a["sent"] + a["dropped"] + a["unsent"] == a["scheduled"] == 10 * 120
print(a, file=sys.stderr) if not ok else None
sys.exit(0 if ok else 1)
PY

say "an upload that fails names the key, exits 1 and keeps the local files"
rc=0
timeout 120 "$bin/loadgen" run --host "$api" --profile steady --duration 2s --mix "health=1" --quiet \
  --out "$work/no-bucket" --upload "s3://no-such-bucket-65/runs/x" >"$work/no-bucket.out" 2>"$work/no-bucket.err" || rc=$?
check "exit status when the upload fails" 1 "$rc"
if [ "$(wc -l <"$work/no-bucket.err")" = 1 ] \
  && grep -q '^loadgen: error: upload of s3://no-such-bucket-65/runs/x/accounts.json failed: .*NoSuchBucket' "$work/no-bucket.err"; then
  pass "one line naming the first key and S3's error"
else fail "not one line naming the key: $(cat "$work/no-bucket.err")"; fi
if [ -s "$work/no-bucket/summary.json" ]; then pass "the local summary.json is kept"; else fail "no local summary.json after the failed upload"; fi
