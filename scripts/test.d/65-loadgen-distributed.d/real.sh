# The real path of scripts/test.d/65-loadgen-distributed.sh, sourced from it (its fail, pass,
# check, $work): no AWS account, everything on loopback, every process stopped on exit.
#
# The AWS CLI is the real one (awscli v1, pinned in scripts/requirements/loadgen-aws.txt) so the
# script's exact commands, queries and `s3 cp --recursive` run as they would against AWS.
# CloudFormation and S3 are ministack's: the stack is a real one in it (its bucket a resource, the
# queue and job definition passed in as parameters, since ministack cannot create Batch
# resources). Batch is scripts/lib/local_batch.py (AWS_ENDPOINT_URL_BATCH): ministack's keeps
# neither the command override nor the array, so this one plays the children the script
# submitted, each as a local debug loadgen with AWS_BATCH_JOB_ARRAY_INDEX=K, uploading to
# ministack's S3, against a real journal-api on the throwaway PostgreSQL. That loadgen is linked
# under /tmp, whatever the checkout's place, so every run here plays a checkout under /tmp.
# shellcheck shell=bash disable=SC2154 # $work, fail, pass and check come from the stage
say "scripts/loadgen-distributed end to end: ministack (CloudFormation, S3), loopback Batch, journal-api"
venv_ensure loadgen-aws
bin=${CARGO_TARGET_DIR:-$ROOT/target}/debug
# Rebuilt when one is missing or a source is newer than the oldest of them.
oldest=$(stat -c '%Y %n' "$bin/loadgen" "$bin/costcalc" "$bin/journal-api" 2>/dev/null | sort -n | head -n 1 | cut -d' ' -f2-)
if [ ! -x "$bin/loadgen" ] || [ ! -x "$bin/costcalc" ] || [ ! -x "$bin/journal-api" ] \
  || [ -n "$(find loadgen costcalc api Cargo.lock -newer "$oldest" -print -quit)" ]; then
  say "building loadgen, costcalc and journal-api"
  cargo build -q -p loadgen -p costcalc -p api
fi
[ -n "${TEST_DATABASE_URL:-}" ] || die "TEST_DATABASE_URL is not set: run this stage through scripts/test"

pids=()
# The Batch image's loadgen lives under /tmp, as it does for a checkout cloned there: the private
# /tmp each child gets must not hide it (issue 23). A hard link where it can be, else a copy.
checkout_tmp=$(mktemp -d /tmp/deploycost-65-checkout.XXXXXX)
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$checkout_tmp"; }
trap stop_all EXIT
mkdir -p "$checkout_tmp/target/debug"
image_loadgen=$checkout_tmp/target/debug/loadgen
ln "$bin/loadgen" "$image_loadgen" 2>/dev/null || cp "$bin/loadgen" "$image_loadgen"

# journal-api on a database of its own in the throwaway cluster.
psql "$TEST_DATABASE_URL" -q -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS loadgen_distributed WITH (FORCE)" -c "CREATE DATABASE loadgen_distributed" >/dev/null
db_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/loadgen_distributed")))' "$TEST_DATABASE_URL")
api_port=$(free_port)
# A busy machine makes logins wait rather than be refused (the api's fault suite tests shedding).
DATABASE_URL=$db_url RUST_LOG=warn PASSWORD_QUEUE_PER_CORE=100000 REQUEST_TIMEOUT_SECONDS=300 \
  "$bin/journal-api" serve --dev --addr "127.0.0.1:$api_port" >"$work/api.log" 2>&1 &
pids+=($!)
api=http://127.0.0.1:$api_port

# Never a real account: fake static keys, no profiles, no instance metadata.
ms_port=$(free_port) batch_port=$(free_port)
export AWS_ENDPOINT_URL=http://127.0.0.1:$ms_port AWS_ENDPOINT_URL_BATCH=http://127.0.0.1:$batch_port
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_CONFIG_FILE=$work/none AWS_SHARED_CREDENTIALS_FILE=$work/none
unset AWS_PROFILE AWS_SESSION_TOKEN
BIND_HOST=127.0.0.1 GATEWAY_PORT=$ms_port SERVICES=s3,cloudformation MINISTACK_REGION=us-east-1 \
  ministack >"$work/ministack.log" 2>&1 &
pids+=($!)
LOCAL_BATCH_ENTRYPOINT=$image_loadgen python3 scripts/lib/local_batch.py "$batch_port" "$work/batch-logs" \
  >"$work/local-batch.log" 2>&1 &
pids+=($!)
wait_http "$api/ready" 60
wait_http "http://127.0.0.1:$ms_port/_ministack/health" 60
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null -X POST -d '{}' "$AWS_ENDPOINT_URL_BATCH/v1/describejobs" 2>/dev/null && break
  sleep 0.1
done

# The stack as infra/loadgen/template.yaml describes it: Fargate, 1 vCPU / 2048 MiB, ARM64.
aws batch create-compute-environment --compute-environment-name loadgen-shards --type MANAGED \
  --compute-resources type=FARGATE,maxvCpus=64,subnets=subnet-0a,securityGroupIds=sg-0a >/dev/null
queue=$(aws batch create-job-queue --job-queue-name loadgen --priority 1 \
  --compute-environment-order order=1,computeEnvironment=loadgen-shards --query jobQueueArn --output text)
jobdef=$(aws batch register-job-definition --job-definition-name loadgen --type container \
  --platform-capabilities FARGATE --query jobDefinitionArn --output text --container-properties \
  '{"image":"loadgen:test","command":["--help"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"2048"}],"runtimePlatform":{"cpuArchitecture":"ARM64","operatingSystemFamily":"LINUX"}}')
cat >"$work/stack.yaml" <<'EOF'
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  JobQueueArn: {Type: String}
  JobDefinitionArn: {Type: String}
Resources:
  OutputBucket: {Type: "AWS::S3::Bucket"}
Outputs:
  JobQueueArn: {Value: !Ref JobQueueArn}
  JobDefinitionArn: {Value: !Ref JobDefinitionArn}
  OutputBucketName: {Value: !Ref OutputBucket}
  LogGroupName: {Value: /aws/batch/deploycost-loadgen}
EOF
aws cloudformation create-stack --stack-name deploycost-loadgen --template-body "file://$work/stack.yaml" \
  --parameters "ParameterKey=JobQueueArn,ParameterValue=$queue" "ParameterKey=JobDefinitionArn,ParameterValue=$jobdef" >/dev/null
timeout 60 aws cloudformation wait stack-create-complete --stack-name deploycost-loadgen
bucket=$(aws cloudformation describe-stacks --stack-name deploycost-loadgen \
  --query "Stacks[0].Outputs[?OutputKey=='OutputBucketName'].OutputValue" --output text)

export LOADGEN_BIN=$bin/loadgen COSTCALC_BIN=$bin/costcalc LOADGEN_DISTRIBUTED_POLL_S=1
source scripts/test.d/65-loadgen-distributed.d/under-tmp.sh
source scripts/test.d/65-loadgen-distributed.d/three-shards.sh
source scripts/test.d/65-loadgen-distributed.d/one-shard.sh
source scripts/test.d/65-loadgen-distributed.d/failures.sh
source scripts/test.d/65-loadgen-distributed.d/stopped-upload.sh
