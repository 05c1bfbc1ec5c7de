# Three shards of one plan through scripts/loadgen-distributed: submitted, played, uploaded,
# downloaded, merged and priced. Sourced from real.sh (its $api, $bucket, $bin).
# shellcheck shell=bash disable=SC2154,SC2015 # the stage's variables; pass never fails
say "three shards: submit, wait, download, merge, price"
# The plan: 8 s of steady (10 req/s) x 3 = 30 req/s, seed 11: steady's count is exact by
# construction (timeline.rs), 10 x 3 x 8 = 240 arrivals, 80 per shard.
plan=(--profile steady --duration 8s --rate-scale 3 --seed 11)
run_flags=(--mix "newcomer=0,writer=0,reader=1,health=2" --accounts 2 --timeout 120 --quiet)
rc=0
timeout 300 scripts/loadgen-distributed --shards 3 --host "$api" "${plan[@]}" --start-in 20 \
  --out "$work/real" -- "${run_flags[@]}" >"$work/real.out" 2>"$work/real.err" || rc=$?
check "exit status of the 3-shard run" 0 "$rc"
[ "$rc" = 0 ] || { sed 's/^/    | /' "$work/real.out" "$work/real.err" >&2; tail -5 "$work"/batch-logs/loadgen/default/* >&2 || true; }
run_id=$(sed -n 's/^run id \([^,]*\), seed 11 .*/\1/p' "$work/real.out")
job_id=$(sed -n 's/^job \([^:]*\): 3 children.*/\1/p' "$work/real.out")
[ -n "$job_id" ] && pass "job $job_id submitted for run $run_id" || fail "no job id in the output"

# The children ran exactly the command the script submitted, read back from Batch.
aws batch describe-jobs --jobs "$job_id" --query 'jobs[0].container.command' --output json >"$work/command.json"
python3 - "$work/command.json" "$api" "$bucket" "$run_id" <<'PY' && pass "describe-jobs gives back the agreed child command" || fail "the submitted command is not the agreed one"
import json, re, sys
cmd = json.load(open(sys.argv[1]))
api, bucket, run_id = sys.argv[2:5]
start = cmd[cmd.index("--start-at") + 1] if "--start-at" in cmd else ""
want = ["run", "--host", api, "--profile", "steady", "--duration", "8s", "--rate-scale", "3",
        "--mix", "newcomer=0,writer=0,reader=1,health=2", "--accounts", "2", "--timeout", "120",
        "--quiet", "--seed", "11", "--compress", "1", "--shard", "batch/3", "--start-at", start,
        "--out", "/tmp/out", "--upload", f"s3://{bucket}/runs/{run_id}"]
ok = cmd == want and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", start)
if not ok:
    print(f"got  {cmd}\nwant {want}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY

keys=$(aws s3 ls --recursive "s3://$bucket/runs/$run_id/" | awk '{print $4}' | grep -c '/summary.json$' || true)
check "shard summaries uploaded to s3://$bucket/runs/$run_id/" 3 "$keys"
for kt in "summary.json application/json" "report.html text/html; charset=utf-8" "report.md text/markdown; charset=utf-8"; do
  type=$(aws s3api head-object --bucket "$bucket" --key "runs/$run_id/shard-1/${kt%% *}" --query ContentType --output text)
  check "content type of shard-1/${kt%% *}" "${kt#* }" "$type"
done
grep -Eq '^\[ *[0-9]+s\] SUCCEEDED: SUBMITTED 0 PENDING 0 RUNNABLE 0 STARTING 0 RUNNING 0 SUCCEEDED 3 FAILED 0$' "$work/real.out" \
  && pass "the wait ends on the status summary: SUCCEEDED 3" || fail "no final progress line with SUCCEEDED 3"
grep -Eq '^\[ *[0-9]+s\] RUNNING: .*RUNNING [1-3]' "$work/real.out" \
  && pass "the wait showed the children running" || fail "no progress line with running children"

# Every arrival of the plan sent or dropped, the sum of the shards'.
python3 - "$work/real" <<'PY' && pass "merged: 240 arrivals of the plan = 3 x 80, each sent or dropped" || fail "the merged summary does not add up (above)"
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
merged = json.loads((out / "summary.json").read_text())
shards = [json.loads(p.read_text()) for p in sorted(out.glob("shards/shard-*/summary.json"))]
a = merged["arrivals"]
problems = []
if a["scheduled"] != 10 * 3 * 8:
    problems.append(f"scheduled {a['scheduled']}, the plan has 240")
if a["sent"] + a["dropped"] != a["scheduled"]:
    problems.append(f"sent {a['sent']} + dropped {a['dropped']} != scheduled {a['scheduled']}")
if merged.get("merged_shards") != 3 or len(shards) != 3:
    problems.append(f"merged_shards {merged.get('merged_shards')}, {len(shards)} shard summaries")
if sorted(s["shard"]["index"] for s in shards) != [0, 1, 2] or any(s["shard"]["count"] != 3 for s in shards):
    problems.append("the shards are not 0/3, 1/3 and 2/3")
if [s["arrivals"]["scheduled"] for s in shards] != [80, 80, 80]:
    problems.append(f"shards scheduled {[s['arrivals']['scheduled'] for s in shards]}, expected 80 each")
if sum(s["arrivals"]["sent"] for s in shards) != a["sent"]:
    problems.append("the merged sent count is not the shards' sum")
print("\n".join(problems), file=sys.stderr)
sys.exit(1 if problems else 0)
PY

# costcalc prices the merged summary as it would a single run's. --allow-overloaded: on a busy
# machine the debug journal-api falls behind even 30 req/s and costcalc would rightly refuse the
# run as overloaded; what is checked here is that a merged summary can be priced.
if "$bin/costcalc" report --from-loadgen "$work/real/summary.json" --allow-overloaded --format json \
  >"$work/report.json" 2>"$work/report.err"; then
  pass "costcalc report --from-loadgen prices the merged summary"
else fail "costcalc cannot price the merged summary: $(cat "$work/report.err")"; fi

# The cost of the load test: each child's seconds from describe-jobs, priced from the snapshot.
as_of=$(sed -n 's/^as_of = "\(.*\)"$/\1/p' costcalc/prices/us-east-1.toml)
expect_lines "the cost of the shards, with the price date" "$work/real.out" \
  "fargate-tasks --vcpu 1 --memory-gib 2 --arch arm64 --region us-east-1 --seconds" \
  "Prices: AWS us-east-1 on-demand list prices as of $as_of (bundled snapshot)" \
  "Fargate tasks: 3 runs of 1 vCPU / 2 GiB (arm64, on-demand)"
python3 - "$work/real.out" <<'PY' && pass "the total is the children's billed seconds at the ARM rates" || fail "the total is not what the children's seconds cost (above)"
import decimal, re, sys
text = open(sys.argv[1]).read()
secs = [int(s) for s in re.findall(r"--seconds (\d+)", re.search(r"^\+ .*fargate-tasks .*$", text, re.M).group(0))]
total = decimal.Decimal(re.search(r"^Total: .* USD \(exact ([0-9.]+);", text, re.M).group(1))
# Each run billed per second, at least 60 s; Linux/ARM: 0.03238 per vCPU-hour, 0.00356 per GB-hour.
hours = decimal.Decimal(sum(max(s, 60) for s in secs)) / 3600
want = hours * 1 * decimal.Decimal("0.03238") + hours * 2 * decimal.Decimal("0.00356")
ok = len(secs) == 3 and round(total, 12) == round(want, 12)
if not ok:
    print(f"seconds {secs}: total {total}, expected {want}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
# What the run measured and cost, for the log.
grep -E '^(loadgen: merged|Billed:|Total:)' "$work/real.out" | sed 's/^/    | /' || true
