# scripts/deploy --dry-run: the commands it prints for each target, tripwires that prove a dry
# run runs none of them, and bad arguments refused with what to do.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
source scripts/lib/infra.sh
# --- scripts/deploy ----------------------------------------------------------------------------
say "scripts/deploy --dry-run"
# Tripwires: a dry run must run none of these. They record the call and fail.
mkdir -p "$work/tripwire"
for tool in aws sam docker cargo; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/called"\nexit 97\n' "$tool" "$work/tripwire" >"$work/tripwire/$tool"
  chmod +x "$work/tripwire/$tool"
done
# No region or target dir from this stage's environment: each run names its own or none.
deploy() { env -u AWS_REGION -u AWS_DEFAULT_REGION -u CARGO_TARGET_DIR PATH="$work/tripwire:$PATH" scripts/deploy "$@"; }


dry() { # dry NAME ARGS...: run a dry run into $work/NAME.out; it must succeed
  local name=$1
  shift
  if ! deploy "$@" >"$work/$name.out" 2>"$work/$name.err"; then
    cat "$work/$name.err" >&2
    fail "scripts/deploy $* failed"
  fi
}

dry lambda lambda --dry-run --region eu-west-1
expect_lines "lambda dry run" "$work/lambda.out" \
  "+ aws --region eu-west-1 cloudformation deploy --template-file infra/database.yaml --stack-name journal-db --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides EnableProxy=true" \
  "+ env CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_OPT_LEVEL=s sam build --template-file infra/lambda/template.yaml --build-dir target/deploy/lambda/sam-build --region eu-west-1" \
  "+ sam deploy --template-file target/deploy/lambda/sam-build/template.yaml --stack-name journal-lambda --capabilities CAPABILITY_IAM --resolve-s3 --no-confirm-changeset --no-fail-on-empty-changeset --region eu-west-1 --parameter-overrides DatabaseStack=journal-db" \
  "+ aws --region eu-west-1 lambda invoke --function-name '<MigrateFunctionName of journal-lambda>'" \
  "cargo run --release -p loadgen -- run --host <ApiUrl of journal-lambda> --profile side-project --duration 10m --compress 144 --out reports/lambda" \
  "cargo run --release -p costcalc -- report --from-loadgen reports/lambda/summary.json"

dry lambda-rest lambda -n --prefix demo --param ApiType=REST --param ProvisionedConcurrency=2
expect_lines "lambda dry run with --prefix and --param" "$work/lambda-rest.out" \
  "--stack-name demo-db" \
  "--stack-name demo-lambda --capabilities CAPABILITY_IAM --resolve-s3 --no-confirm-changeset --no-fail-on-empty-changeset --parameter-overrides DatabaseStack=demo-db ApiType=REST ProvisionedConcurrency=2"

dry fargate fargate --dry-run --region eu-west-1
expect_lines "fargate dry run" "$work/fargate.out" \
  "+ aws --region eu-west-1 cloudformation deploy --template-file infra/database.yaml --stack-name journal-db --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset" \
  "+ aws --region eu-west-1 ecr get-login-password | docker login --username AWS --password-stdin <AWS account id>.dkr.ecr.eu-west-1.amazonaws.com" \
  "+ docker buildx build --platform linux/arm64 -f infra/Dockerfile -t '<AWS account id>.dkr.ecr.eu-west-1.amazonaws.com/journal-api:" \
  "+ aws --region eu-west-1 cloudformation deploy --template-file infra/fargate/template.yaml --stack-name journal-fargate --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides DatabaseStack=journal-db 'ImageUri=<AWS account id>.dkr.ecr.eu-west-1.amazonaws.com/journal-api:" \
  "ecs run-task --cluster '<ClusterName of journal-fargate>' --launch-type FARGATE --task-definition '<MigrateTaskDefinitionArn of journal-fargate>'" \
  "cargo run --release -p loadgen -- run --host <ApiUrl of journal-fargate> --profile side-project --duration 10m --compress 144 --out reports/fargate" \
  "cargo run --release -p costcalc -- report --from-loadgen reports/fargate/summary.json"
if grep -q 'EnableProxy' "$work/fargate.out"; then fail "fargate must leave the database stack's EnableProxy alone"; fi

# The database stack's engine and Aurora capacity: parameter overrides of the database stack only.
dry lambda-aurora lambda -n --db aurora-serverless --acu-min 0.5 --acu-max 4 --aurora-storage io-optimized
expect_lines "lambda on Aurora with a floor keeps RDS Proxy" "$work/lambda-aurora.out" \
  "+ aws cloudformation deploy --template-file infra/database.yaml --stack-name journal-db --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides DbEngine=aurora-serverless AuroraMinCapacity=0.5 AuroraMaxCapacity=4 AuroraStorage=io-optimized EnableProxy=true" \
  "--parameter-overrides DatabaseStack=journal-db"
if grep -q 'sam deploy.*Aurora' "$work/lambda-aurora.out"; then fail "the Aurora flags belong to the database stack, not journal-lambda"; fi

dry lambda-pause lambda -n --db aurora-serverless --acu-min 0 --pause-after 600
expect_lines "lambda on auto-pausing Aurora" "$work/lambda-pause.out" \
  "+ aws cloudformation deploy --template-file infra/database.yaml --stack-name journal-db --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides DbEngine=aurora-serverless AuroraMinCapacity=0 AuroraSecondsUntilAutoPause=600"
if grep -q 'EnableProxy' "$work/lambda-pause.out"; then fail "an auto-pausing Aurora writer must not be asked for RDS Proxy"; fi
expect_lines "lambda on auto-pausing Aurora says why there is no proxy" "$work/lambda-pause.err" "no RDS Proxy: Aurora with --acu-min 0 pauses when idle"

# --db alone: Aurora at its stack default minimum, 0, which pauses: no proxy either.
dry fargate-aurora fargate -n --db aurora --aurora-class db.r7g.large --aurora-storage io-optimized
expect_lines "fargate on Aurora provisioned" "$work/fargate-aurora.out" \
  "--parameter-overrides DbEngine=aurora AuroraInstanceClass=db.r7g.large AuroraStorage=io-optimized"
dry lambda-aurora-default lambda -n --db=aurora-serverless
expect_lines "lambda on Aurora by default" "$work/lambda-aurora-default.out" \
  "--stack-name journal-db --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides DbEngine=aurora-serverless AuroraMinCapacity=0"
if grep -q 'EnableProxy' "$work/lambda-aurora-default.out"; then fail "--db aurora-serverless alone pauses: no RDS Proxy"; fi

dry fargate-rds fargate -n --db rds
expect_lines "fargate on RDS" "$work/fargate-rds.out" \
  "--stack-name journal-db --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides DbEngine=rds"
if grep -qE 'EnableProxy|Aurora' "$work/fargate-rds.out"; then fail "fargate on RDS: only DbEngine for the database stack"; fi

dry fargate-x86 fargate -n --param CpuArchitecture=X86_64
expect_lines "fargate x86_64 dry run" "$work/fargate-x86.out" "docker buildx build --platform linux/amd64 -f infra/Dockerfile"

env -u AWS_REGION -u AWS_DEFAULT_REGION CARGO_TARGET_DIR=/elsewhere PATH="$work/tripwire:$PATH" \
  scripts/deploy ec2 --dry-run --bucket my-artifacts >"$work/ec2-target-dir.out" 2>&1 || fail "ec2 dry run with CARGO_TARGET_DIR"
expect_lines "ec2 dry run takes the binary from CARGO_TARGET_DIR" "$work/ec2-target-dir.out" \
  "+ aws s3 cp /elsewhere/lambda/journal-api/bootstrap s3://my-artifacts/journal-api/"

dry ec2 ec2 --dry-run --region eu-west-1 --bucket my-artifacts
expect_lines "ec2 dry run" "$work/ec2.out" \
  "+ cargo lambda build --release --arm64 --package api --bin journal-api" \
  "+ aws --region eu-west-1 s3 cp target/lambda/journal-api/bootstrap s3://my-artifacts/journal-api/" \
  "+ aws --region eu-west-1 cloudformation deploy --template-file infra/ec2/template.yaml --stack-name journal-ec2 --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --parameter-overrides DatabaseStack=journal-db BinaryS3Bucket=my-artifacts BinaryS3Key=journal-api/" \
  "cargo run --release -p loadgen -- run --host <ApiUrl of journal-ec2> --profile side-project --duration 10m --compress 144 --out reports/ec2" \
  "cargo run --release -p costcalc -- report --from-loadgen reports/ec2/summary.json"

if [ -e "$work/tripwire/called" ]; then
  fail "a dry run ran real commands: $(cat "$work/tripwire/called")"
else
  pass "dry runs ran no aws, sam, docker or cargo command"
fi

# bad_args PATTERN ARGS...: scripts/deploy must exit 2 and explain.
bad_args() {
  local pattern=$1 out rc=0
  shift
  out=$(env -u DEPLOY_BUCKET -u AWS_REGION -u AWS_DEFAULT_REGION PATH="$work/tripwire:$PATH" scripts/deploy "$@" 2>&1) || rc=$?
  if [ $rc -ne 2 ]; then
    fail "scripts/deploy $*: exit $rc, expected 2"
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    fail "scripts/deploy $*: no /$pattern/ in: $out"
  else
    pass "scripts/deploy $* is refused"
  fi
}
bad_args "unknown target 'gcp': expected lambda, fargate or ec2" gcp --dry-run
bad_args "no target" --dry-run
bad_args "unknown option '--bogus'" lambda --dry-run --bogus
bad_args "one target at a time" lambda ec2 --dry-run
bad_args "ec2 needs an S3 bucket" ec2 --dry-run
bad_args "--param wants KEY=VALUE" lambda --dry-run --param ApiType
bad_args "CpuArchitecture must be ARM64 or X86_64" fargate --dry-run --param CpuArchitecture=arm
bad_args "--db must be rds, aurora or aurora-serverless, got 'aurora-v1'" lambda --dry-run --db aurora-v1
bad_args "--acu-min, --acu-max and --pause-after need --db aurora-serverless, not aurora" lambda --dry-run --db aurora --acu-max 4
bad_args "--aurora-class needs --db aurora \\(Aurora provisioned\\), not aurora-serverless" lambda --dry-run --db aurora-serverless --aurora-class db.r7g.large
bad_args "--acu-min, --acu-max, --pause-after and --aurora-storage need --db aurora-serverless" lambda --dry-run --acu-max 4
bad_args "need --db aurora-serverless, not rds" lambda --dry-run --db rds --aurora-storage standard
bad_args "--acu-min must be 0 or 0.5 to 256 in steps of 0.5, got '0.3'" lambda --dry-run --db aurora-serverless --acu-min 0.3
bad_args "--acu-max must be 1 to 256 in steps of 0.5, got '300'" lambda --dry-run --db aurora-serverless --acu-max 300
bad_args "--acu-min 8 is above --acu-max 4" lambda --dry-run --db aurora-serverless --acu-min 8 --acu-max 4
bad_args "--acu-min 3 is above the stack's default maximum of 2 ACUs" lambda --dry-run --db aurora-serverless --acu-min 3
bad_args "--pause-after must be 300 to 86400 seconds, got '60'" lambda --dry-run --db aurora-serverless --pause-after 60
bad_args "--pause-after needs --acu-min 0" lambda --dry-run --db aurora-serverless --acu-min 1 --pause-after 600
bad_args "--aurora-storage must be standard or io-optimized, got 'fast'" lambda --dry-run --db aurora-serverless --aurora-storage fast
if [ -e "$work/tripwire/called" ]; then fail "a refused invocation ran: $(cat "$work/tripwire/called")"; fi

infra_done "infra deploy dry runs"
