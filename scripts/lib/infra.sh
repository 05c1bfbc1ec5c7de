# Shared by the infra stages (scripts/test.d/6x-infra-*.sh): their tools, their scratch
# directory, the templates they check, and how each stage counts and reports failed checks.
# Needs no AWS account and no network: the tools come from .venv/infra
# (scripts/requirements/infra.txt) and .venv/lambda (cargo-lambda and zig,
# scripts/requirements/lambda.txt). Source it after common.sh and venv.sh.
# shellcheck shell=bash

# Both tool sets, infra's first on PATH: this stage's `python` must be the one with cfn-lint.
# sam finds cargo-lambda through lambda_path (see 62-infra-sam-build.sh).
venv_ensure lambda
venv_ensure infra
lambda_path="$ROOT/.venv/lambda/bin:$PATH"

# SAM and cfn-lint want a region; nothing here may reach AWS or look for credentials.
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export SAM_CLI_TELEMETRY=0 SAM_CLI_CONTEXT_ENABLED=0

work=$TEST_WORK/infra
mkdir -p "$work"
# shellcheck source=checks.sh
source "$ROOT/scripts/lib/checks.sh"

# expect_failure NAME PATTERN CMD...: CMD must exit non-zero and say PATTERN (the reason we broke it).
expect_failure() {
  local name=$1 pattern=$2 out
  shift 2
  if out=$("$@" 2>&1); then
    fail "$name: the check passed a deliberately broken file: $*"
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    printf '%s\n' "$out" >&2
    fail "$name: the check failed, but without mentioning /$pattern/"
  else
    pass "$name is caught"
  fi
}

# break_copy SRC DST SED-EXPR: a copy with one deliberate fault; the edit must change the file.
break_copy() {
  sed -e "$3" "$1" >"$2"
  if cmp -s "$1" "$2"; then
    fail "break_copy: '$3' did not change $1 (the test is stale)"
    return 1
  fi
}

# Every template under infra/, which the stages check one by one.
# shellcheck disable=SC2034 # used by the stages that source this file
templates=(infra/database.yaml infra/lambda/template.yaml infra/fargate/template.yaml infra/ec2/template.yaml
  infra/loadgen/template.yaml)
# The app stacks, which import the database stack's exports.
# shellcheck disable=SC2034 # used by the stages that source this file
app_templates=(infra/lambda/template.yaml infra/fargate/template.yaml infra/ec2/template.yaml)
# Every Dockerfile under infra/: the API's and loadgen's (AWS Batch).
# shellcheck disable=SC2034 # used by the stages that source this file
dockerfiles=(infra/Dockerfile infra/loadgen/Dockerfile)

# infra_done NAME: end a stage, non-zero when a check failed.
infra_done() { checks_done "$1"; }
