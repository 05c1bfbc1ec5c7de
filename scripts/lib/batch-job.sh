# The AWS steps of scripts/loadgen-distributed, in order: read_stack, submit, watch_job,
# fetch_and_merge, price_shards. Source it from there: it reads the script's settings ($stack,
# $shards, $run_id, $seed, $out, ...) and prints every AWS command through scripts/lib/dry-run.sh.
# shellcheck shell=bash disable=SC2154 # the settings come from scripts/loadgen-distributed

jobs_py=$ROOT/scripts/lib/batch_jobs.py
# Seconds between two looks at the job (the stage's loopback Batch is faster than AWS).
poll=${LOADGEN_DISTRIBUTED_POLL_S:-10}

# The stack's outputs (the INTERFACE of infra/loadgen/template.yaml), the shards' size from the
# job definition and Spot or on-demand from the queue's compute environment.
read_stack() {
  local where=${region:-the default region} status
  say "stack $stack"
  show aws "${region_args[@]}" cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text
  if [ -z "$dry_run" ]; then
    status=$(aws "${region_args[@]}" cloudformation describe-stacks --stack-name "$stack" \
      --query 'Stacks[0].StackStatus' --output text 2>&1) \
      || die "no stack $stack in $where ($(tail -n 1 <<<"$status")): deploy infra/loadgen/template.yaml first (infra/README.md), or pass --stack NAME / --region R"
    [[ $status == *_COMPLETE && $status != *ROLLBACK_COMPLETE && $status != DELETE_COMPLETE ]] \
      || die "stack $stack in $where is $status: it needs to be CREATE_COMPLETE or UPDATE_COMPLETE"
  fi
  stack_outputs "$stack" queue=JobQueueArn jobdef=JobDefinitionArn bucket=OutputBucketName log_group=LogGroupName
  # The shard's size and architecture, from one describe-job-definitions: "VCPU<tab>MEMORY<tab>ARCH".
  local c="jobDefinitions[0].containerProperties" size
  capture size "size of the job definition" aws "${region_args[@]}" batch describe-job-definitions --job-definitions "$jobdef" \
    --query "[${c}.resourceRequirements[?type=='VCPU'].value | [0], ${c}.resourceRequirements[?type=='MEMORY'].value | [0], ${c}.runtimePlatform.cpuArchitecture]" \
    --output text
  if [ -n "$dry_run" ]; then
    vcpu="<VCPU of the job definition>" memory_mib="<MEMORY of the job definition>" arch="<cpuArchitecture of the job definition>"
  else
    IFS=$'\t' read -r vcpu memory_mib arch <<<"$size"
    if [ -z "$arch" ] || [[ " $vcpu $memory_mib $arch " == *" None "* ]]; then
      die "job definition $jobdef lacks its VCPU, MEMORY or cpuArchitecture: redeploy infra/loadgen/template.yaml"
    fi
  fi
  capture compute_env "compute environment of the job queue" aws "${region_args[@]}" batch describe-job-queues \
    --job-queues "$queue" --query 'jobQueues[0].computeEnvironmentOrder[0].computeEnvironment' --output text
  capture capacity "type of the compute environment" aws "${region_args[@]}" batch describe-compute-environments \
    --compute-environments "$compute_env" --query 'computeEnvironments[0].computeResources.type' --output text
}

# One array job of $shards children (a plain job for one), every child the same command.
submit() {
  local start_at overrides child array_args=()
  start_at=$(date -u -d "@$(($(date -u +%s) + start_in))" +%Y-%m-%dT%H:%M:%SZ)
  child=(run --host "$host" --profile "$profile")
  [ -z "$duration" ] || child+=(--duration "$duration")
  [ -z "$rate_scale" ] || child+=(--rate-scale "$rate_scale")
  child+=("${run_flags[@]}" --seed "$seed" --compress "$compress" --shard "batch/$shards"
    --start-at "$start_at" --out /tmp/out --upload "s3://$bucket/$prefix")
  # JSON rather than the shorthand command=[...]: a run flag with a comma or a bracket in it
  # (--mix reader=1,health=2) stays one word.
  overrides=$(python3 -c 'import json, sys; print(json.dumps({"command": sys.argv[1:]}, separators=(",", ":")))' "${child[@]}")
  # Batch has no array of one: a single shard is a plain job (and its child sees no index).
  [ "$shards" = 1 ] || array_args=(--array-properties "size=$shards")
  say "submit: $shards shards starting together at $start_at (in ${start_in}s)"
  trap on_interrupt INT TERM
  capture job_id "jobId of loadgen-$run_id" aws "${region_args[@]}" batch submit-job --job-name "loadgen-$run_id" \
    --job-queue "$queue" --job-definition "$jobdef" "${array_args[@]}" --container-overrides "$overrides" \
    --query jobId --output text
  printf 'job %s: %s children, outputs to s3://%s/%s/\n' "$job_id" "$shards" "$bucket" "$prefix"
}

# Ctrl-C after the submission: the job is terminated rather than left to run unwatched.
on_interrupt() {
  trap - INT TERM
  if [ -n "${job_id:-}" ] && [ -z "${job_done:-}" ] && [ -z "$dry_run" ]; then
    printf '\ninterrupted: terminating job %s and its children\n' "$job_id" >&2
    run aws "${region_args[@]}" batch terminate-job --job-id "$job_id" \
      --reason "scripts/loadgen-distributed interrupted (Ctrl-C)" >&2 || true
    printf 'terminated job %s; what its shards uploaded stays in s3://%s/%s/\n' "$job_id" "$bucket" "$prefix" >&2
  fi
  exit 130
}

# Until the job SUCCEEDED; the first FAILED child stops the wait (a merge needs every shard).
watch_job() {
  local describe=(aws "${region_args[@]}" batch describe-jobs --jobs "$job_id") started=$SECONDS line json
  say "wait (every ${poll}s): counts of the children by status"
  show "${describe[@]}"
  if [ -n "$dry_run" ]; then
    printf '  (repeated until the job SUCCEEDED; a FAILED child stops it: reasons, log streams, terminate-job)\n'
    return
  fi
  while :; do
    json=$("${describe[@]}" --output json) || die "aws batch describe-jobs failed for job $job_id"
    line=$(python3 "$jobs_py" status "$shards" <<<"$json") || die "cannot read the status of job $job_id"
    printf '[%5ss] %s: %s\n' $((SECONDS - started)) "${line%% *}" "${line#* }"
    case ${line%% *} in
      SUCCEEDED)
        job_done=1
        return
        ;;
      FAILED) fail_job ;;
    esac
    [[ $line == *" FAILED 0" ]] || fail_job
    sleep "$poll" &
    wait $! || true
  done
}

# The failed children's reasons and log streams; the rest of the job terminated; exit 1.
fail_job() {
  local ids json id_list=()
  job_done=1
  say "the job failed"
  if [ "$shards" = 1 ]; then
    ids=$job_id
  else
    ids=$(aws "${region_args[@]}" batch list-jobs --array-job-id "$job_id" --job-status FAILED \
      --query 'jobSummaryList[].jobId' --output text) || ids=""
  fi
  [ "$ids" = None ] || read -ra id_list <<<"$ids"
  if [ ${#id_list[@]} -gt 0 ]; then
    json=$(aws "${region_args[@]}" batch describe-jobs --jobs "${id_list[@]:0:100}" --output json) \
      && python3 "$jobs_py" failures <<<"$json" >&2
  fi
  printf 'logs: aws logs get-log-events --log-group-name %s --log-stream-name STREAM\n' "$log_group" >&2
  run aws "${region_args[@]}" batch terminate-job --job-id "$job_id" \
    --reason "scripts/loadgen-distributed: a shard failed; the merge needs every shard" >/dev/null || true
  die "job $job_id failed (above); terminated what was left of it"
}

# The shards' outputs from S3, merged into one summary.
fetch_and_merge() {
  say "download and merge"
  run aws "${region_args[@]}" s3 cp --recursive --only-show-errors "s3://$bucket/$prefix/" "$out/shards/"
  # loadgen merge also warns of each shard that was ready after the common start, and how late.
  run "${loadgen[@]}" merge "$out/shards" --out "$out"
  cat <<EOF
merged summary: $out/summary.json
shards' reports: $out/shards/shard-K/report.html (K = 0 to $((shards - 1)))
price the API it loaded: costcalc report --from-loadgen $out/summary.json
EOF
}

# What the shards cost: each child's startedAt..stoppedAt, priced by costcalc fargate-tasks.
price_shards() {
  local ids=() seconds=() spot=() price_region=() mem_gib arch_lc json i s
  say "what the load test cost (Fargate, from each child's startedAt..stoppedAt)"
  if [ "$shards" = 1 ]; then ids=("$job_id"); else for ((i = 0; i < shards; i++)); do ids+=("$job_id:$i"); done; fi
  for ((i = 0; i < ${#ids[@]}; i += 100)); do
    show aws "${region_args[@]}" batch describe-jobs --jobs "${ids[@]:i:100}"
    [ -z "$dry_run" ] || continue
    json=$(aws "${region_args[@]}" batch describe-jobs --jobs "${ids[@]:i:100}" --output json) \
      || die "aws batch describe-jobs failed for the children of $job_id"
    while read -r s; do seconds+=(--seconds "$s"); done < <(python3 "$jobs_py" seconds <<<"$json")
  done
  if [ -n "$dry_run" ]; then
    seconds=(--seconds "<seconds of each child, one --seconds each>")
    mem_gib="<MEMORY of the job definition / 1024>"
    arch_lc="<cpuArchitecture of the job definition, lowercase>"
    printf '  (with --spot when <type of the compute environment> is FARGATE_SPOT)\n'
  else
    [ ${#seconds[@]} -gt 0 ] || die "no child of $job_id has a startedAt and stoppedAt: nothing to price"
    mem_gib=$(python3 -c 'import decimal, sys; print((decimal.Decimal(sys.argv[1]) / 1024).normalize())' "$memory_mib")
    arch_lc=$(tr '[:upper:]' '[:lower:]' <<<"$arch")
    [ "$capacity" != FARGATE_SPOT ] || spot=(--spot)
  fi
  [ -z "$region" ] || price_region=(--region "$region")
  run "${costcalc[@]}" fargate-tasks --vcpu "$vcpu" --memory-gib "$mem_gib" --arch "$arch_lc" \
    "${spot[@]}" "${price_region[@]}" "${seconds[@]}" \
    || die "costcalc could not price the shards (above); the merged results are in $out"
}
