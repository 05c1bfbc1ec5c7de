# Each check of stage 60 must fail on a deliberately broken copy, saying why.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
source scripts/lib/infra.sh
# --- the checks catch what they should ---------------------------------------------------------
say "deliberately broken copies must fail"
mkdir -p "$work/lambda"
if break_copy infra/lambda/template.yaml "$work/lambda/template.yaml" 's/LogGroup: !Ref ApiLogGroup/LogGroup: !Ref NoSuchLogGroup/'; then
  expect_failure "cfn-lint: dangling !Ref in the SAM template" NoSuchLogGroup cfn-lint -- "$work/lambda/template.yaml"
  expect_failure "sam validate --lint: dangling !Ref" NoSuchLogGroup sam validate --lint --template-file "$work/lambda/template.yaml"
fi
if break_copy infra/database.yaml "$work/database.yaml" 's/StorageEncrypted: true/StorageEncryptd: true/'; then
  expect_failure "cfn-lint: misspelt RDS property" "E3002|StorageEncryptd" cfn-lint -- "$work/database.yaml"
fi
if break_copy infra/fargate/template.yaml "$work/fargate.yaml" 's/CpuArchitecture: !Ref CpuArchitecture/CpuArchitecture: ARM65/'; then
  expect_failure "cfn-lint: invalid Fargate architecture" "ARM65" cfn-lint -- "$work/fargate.yaml"
fi
if break_copy infra/Dockerfile "$work/Dockerfile" 's/^FROM rust:[^ ]* AS build/FROM rust:latest AS build/'; then
  expect_failure "hadolint: unpinned base image" DL3007 hadolint "$work/Dockerfile"
fi
printf 'exit 1\n' >"$work/user-data-broken.sh"
printf 'if true; then\n' >>"$work/user-data-broken.sh"
expect_failure "bash -n: unterminated if" "syntax error|unexpected end" bash -n "$work/user-data-broken.sh"

infra_done "infra broken copies"
