# scripts/loadgen-distributed: its dry runs line by line (tripwire aws, docker and cargo that must
# never run), bad arguments refused, and the real path end to end with no AWS account: the real
# AWS CLI (.venv/loadgen-aws) against ministack (CloudFormation, S3) and a loopback Batch
# (scripts/lib/local_batch.py, which plays the array's children as local debug loadgen
# processes with AWS_BATCH_JOB_ARRAY_INDEX=K, uploading to ministack's S3) against a real
# journal-api on the throwaway PostgreSQL. Then a failing shard and an interrupted wait.
# Nothing asserts timing: late arrivals are dropped and every arrival is checked as sent or dropped.
# Bounded: every wait has a timeout, every process is stopped on exit.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
need_cmd curl curl
work=$TEST_WORK/loadgen-distributed
mkdir -p "$work"
source scripts/lib/checks.sh

# --- dry runs ------------------------------------------------------------------------------------
say "scripts/loadgen-distributed --dry-run"
mkdir -p "$work/tripwire"
for tool in aws docker cargo; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/called"\nexit 97\n' "$tool" "$work/tripwire" >"$work/tripwire/$tool"
  chmod +x "$work/tripwire/$tool"
done
dist() { env -u AWS_REGION -u AWS_DEFAULT_REGION -u LOADGEN_BIN -u COSTCALC_BIN CARGO_TARGET_DIR="$work/no-target" \
  PATH="$work/tripwire:$PATH" scripts/loadgen-distributed "$@"; }

before=$(date -u +%s)
dist --shards 3 --host https://api.example.com --profile steady --duration 10m --seed 42 --region eu-west-1 \
  --out "$work/dry3" --dry-run -- --mix reader=1,health=2 --users 20 >"$work/dry3.out" 2>"$work/dry3.err" \
  || { cat "$work/dry3.err" >&2; fail "the 3-shard dry run failed"; }
after=$(date -u +%s)
run_id=$(sed -n 's/^run id \([^,]*\), seed 42 .*/\1/p' "$work/dry3.out")
start_at=$(grep -o '"--start-at","[^"]*"' "$work/dry3.out" | cut -d'"' -f4)
if [[ $run_id =~ ^[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$ ]]; then pass "run id $run_id printed with the seed"; else
  fail "no run id in the dry run"; fi
# The common start: --start-in (180 s by default) after the submission.
start_s=$(date -u -d "$start_at" +%s 2>/dev/null || echo 0)
if [ "$start_s" -ge $((before + 180)) ] && [ "$start_s" -le $((after + 180)) ]; then
  pass "--start-at $start_at is 180 s after the submission"
else fail "--start-at '$start_at' is not 180 s after $before..$after"; fi
aws_r="+ aws --region eu-west-1"
q="<JobQueueArn of deploycost-loadgen>" d="<JobDefinitionArn of deploycost-loadgen>" b="<OutputBucketName of deploycost-loadgen>"
j="<jobId of loadgen-$run_id>"
expect_lines "3-shard dry run" "$work/dry3.out" \
  "$aws_r cloudformation describe-stacks --stack-name deploycost-loadgen --query \"Stacks[0].Outputs[?OutputKey=='JobQueueArn' || OutputKey=='JobDefinitionArn' || OutputKey=='OutputBucketName' || OutputKey=='LogGroupName'].[OutputKey,OutputValue]\" --output text" \
  "$aws_r batch describe-job-definitions --job-definitions '$d' --query \"[jobDefinitions[0].containerProperties.resourceRequirements[?type=='VCPU'].value | [0], jobDefinitions[0].containerProperties.resourceRequirements[?type=='MEMORY'].value | [0], jobDefinitions[0].containerProperties.runtimePlatform.cpuArchitecture]\" --output text" \
  "$aws_r batch describe-compute-environments --compute-environments '<compute environment of the job queue>' --query 'computeEnvironments[0].computeResources.type' --output text" \
  "$aws_r batch submit-job --job-name loadgen-$run_id --job-queue '$q' --job-definition '$d' --array-properties size=3 --container-overrides '{\"command\":[\"run\",\"--host\",\"https://api.example.com\",\"--profile\",\"steady\",\"--duration\",\"10m\",\"--mix\",\"reader=1,health=2\",\"--users\",\"20\",\"--seed\",\"42\",\"--compress\",\"1\",\"--shard\",\"batch/3\",\"--start-at\",\"$start_at\",\"--out\",\"/tmp/out\",\"--upload\",\"s3://$b/runs/$run_id\"]}' --query jobId --output text" \
  "$aws_r batch describe-jobs --jobs '$j'" \
  "$aws_r s3 cp --recursive --only-show-errors 's3://$b/runs/$run_id/' $work/dry3/shards/" \
  "+ cargo run -q --release -p loadgen -- merge $work/dry3/shards --out $work/dry3" \
  "$aws_r batch describe-jobs --jobs '$j:0' '$j:1' '$j:2'" \
  "+ cargo run -q --release -p costcalc -- fargate-tasks --vcpu '<VCPU of the job definition>' --memory-gib '<MEMORY of the job definition / 1024>' --arch '<cpuArchitecture of the job definition, lowercase>' --region eu-west-1 --seconds '<seconds of each child, one --seconds each>'" \
  "(dry run: nothing was submitted)"

# One shard: a plain job (Batch has no array of one), its own id priced; default out and binaries.
dist --shards 1 --host http://10.0.0.5:8080 --profile spike --compress 24 --start-in 60 -n \
  >"$work/dry1.out" 2>"$work/dry1.err" || { cat "$work/dry1.err" >&2; fail "the 1-shard dry run failed"; }
run1=$(sed -n 's/^run id \([^,]*\), seed .*/\1/p' "$work/dry1.out")
seed1=$(sed -n 's/^run id [^,]*, seed \([0-9]*\) .*/\1/p' "$work/dry1.out")
if [ -n "$seed1" ]; then pass "a random seed ($seed1) is printed"; else fail "no seed printed"; fi
grep -q -- '--array-properties' "$work/dry1.out" && fail "one shard must be a plain job (no --array-properties)"
expect_lines "1-shard dry run" "$work/dry1.out" \
  "+ aws batch submit-job --job-name loadgen-$run1 --job-queue '$q' --job-definition '$d' --container-overrides '{\"command\":[\"run\",\"--host\",\"http://10.0.0.5:8080\",\"--profile\",\"spike\",\"--seed\",\"$seed1\",\"--compress\",\"24\",\"--shard\",\"batch/1\"" \
  "+ aws batch describe-jobs --jobs '<jobId of loadgen-$run1>'" \
  "+ aws s3 cp --recursive --only-show-errors 's3://$b/runs/$run1/' $ROOT/reports/distributed/$run1/shards/"
[ ! -e "$ROOT/reports/distributed/$run1" ] || fail "a dry run created $ROOT/reports/distributed/$run1"
if [ -e "$work/tripwire/called" ]; then fail "a dry run ran real commands: $(cat "$work/tripwire/called")"; else
  pass "dry runs ran no aws, docker or cargo command"; fi

# bad_args PATTERN ARGS...: exit 2, one error line saying what was wrong, nothing run.
bad_args() {
  local pattern=$1 out rc=0
  shift
  out=$(dist "$@" 2>&1) || rc=$?
  if [ $rc -ne 2 ]; then fail "loadgen-distributed $*: exit $rc, expected 2 ($out)"
  elif [ "$(grep -c '^error: ' <<<"$out")" != 1 ] || ! grep -qF -- "$pattern" <<<"$out"; then
    fail "loadgen-distributed $*: no one line with '$pattern' in: $out"
  else pass "loadgen-distributed $* is refused"; fi
}
ok=(--host http://h:1 --profile steady)
bad_args "--shards N is required" "${ok[@]}" -n
bad_args "--shards must be a whole number from 1 to 10000" --shards 0 "${ok[@]}" -n
bad_args "--shards must be a whole number from 1 to 10000" --shards 10001 "${ok[@]}" -n
bad_args "--shards must be a whole number from 1 to 10000" --shards two "${ok[@]}" -n
bad_args "--host URL is required" --shards 2 --profile steady -n
bad_args "--host must be an http:// or https:// URL, got 'h:1'" --shards 2 --host h:1 --profile steady -n
bad_args "--profile is required" --shards 2 --host http://h:1 -n
bad_args "--compress auto cannot be sharded" --shards 2 "${ok[@]}" --compress auto -n
bad_args "--compress must be a number > 0, got '0'" --shards 2 "${ok[@]}" --compress 0 -n
bad_args "--seed must be a whole number, got '-3'" --shards 2 "${ok[@]}" --seed=-3 -n
bad_args "--start-in must be whole seconds" --shards 2 "${ok[@]}" --start-in soon -n
bad_args "unknown option '--bogus'" --shards 2 "${ok[@]}" --bogus -n
bad_args "unexpected argument 'steady2'" --shards 2 "${ok[@]}" steady2 -n
bad_args "--shards needs a value" "${ok[@]}" -n --shards
bad_args "--shard after --: scripts/loadgen-distributed sets --shard for every child" --shards 2 "${ok[@]}" -n -- --shard 0/2
bad_args "--seed=4 after --: give --seed to scripts/loadgen-distributed itself" --shards 2 "${ok[@]}" -n -- --seed=4
mkdir -p "$work/used/shards/shard-0"
bad_args "--out $work/used already holds shards/ of another run" --shards 2 "${ok[@]}" --out "$work/used" -n
if [ -e "$work/tripwire/called" ]; then fail "a refused invocation ran: $(cat "$work/tripwire/called")"; fi

# --- the real path -------------------------------------------------------------------------------
source scripts/test.d/65-loadgen-distributed.d/real.sh

checks_done "loadgen-distributed"
