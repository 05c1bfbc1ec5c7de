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
db=infra/database.yaml
db_contract() { python scripts/lib/database-stack-contract.py "$@"; }
mkdir -p "$work/db"
if break_copy "$db" "$work/db/proxy.yaml" 's/^  UseProxy: !And .*/  UseProxy: !Equals [!Ref EnableProxy, "true"]/'; then
  # Auto-pause cannot be used with RDS Proxy: EnableProxy=true must not give an auto-pausing cluster one.
  expect_failure "contract: a proxy on an auto-pausing cluster" "a proxy on an auto-pausing cluster: Proxy, ProxyTargetGroup exist under DbEngine=aurora-serverless, EnableProxy=true.*AuroraMinCapacity=0" \
    db_contract "$work/db/proxy.yaml" "${app_templates[@]}"
fi
if break_copy "$db" "$work/db/version.yaml" 's/EngineVersion: "16.9"/EngineVersion: "16.2"/'; then
  expect_failure "contract: an Aurora version that cannot scale to 0 ACUs" "AuroraVersion 16 is 16.2, older than 16.3" \
    db_contract "$work/db/version.yaml" "${app_templates[@]}"
fi
if break_copy "$db" "$work/db/output.yaml" 's/^    Value: !If \[UseAurora, !GetAtt AuroraCluster.Endpoint.Address, !GetAtt Database.Endpoint.Address\]/    Value: !GetAtt Database.Endpoint.Address/'; then
  expect_failure "contract: an output naming the RDS instance on Aurora" "output DbEndpoint refers to Database, which is not created under DbEngine=aurora-serverless" \
    db_contract "$work/db/output.yaml" "${app_templates[@]}"
fi
if break_copy "$db" "$work/db/class.yaml" 's/DBInstanceClass: !If \[UseServerless, db.serverless, !Ref AuroraInstanceClass\]/DBInstanceClass: db.serverless/'; then
  # Aurora provisioned (DbEngine=aurora) runs its writer on AuroraInstanceClass, not db.serverless.
  expect_failure "contract: Aurora provisioned on db.serverless" "expected 1 db.t4g.medium instance\(s\) in AuroraCluster under DbEngine=aurora," \
    db_contract "$work/db/class.yaml" "${app_templates[@]}"
fi
if break_copy "$db" "$work/db/provisioned.yaml" 's/^  UseAurora: !Or .*/  UseAurora: !Condition UseServerless/'; then
  # DbEngine=aurora must give an Aurora cluster, not fall back to the RDS instance.
  expect_failure "contract: DbEngine=aurora without a cluster" "expected one Aurora cluster and no RDS instance under DbEngine=aurora," \
    db_contract "$work/db/provisioned.yaml" "${app_templates[@]}"
fi
if break_copy infra/lambda/template.yaml "$work/db/lambda.yaml" 's/^        DB_PROXY: !ImportValue .*/        DB_PROXY: "1"/'; then
  expect_failure "contract: Lambda's DB_PROXY fixed whatever the proxy" 'DB_PROXY must be the import of \$\{DatabaseStack\}-ProxyEnabled' \
    db_contract "$db" "$work/db/lambda.yaml" infra/fargate/template.yaml infra/ec2/template.yaml
fi
if break_copy "$db" "$work/db/pause.yaml" 's/SecondsUntilAutoPause: !If/SecondsUntilAutopause: !If/'; then
  expect_failure "cfn-lint: misspelt Serverless v2 scaling property" "E3002.*SecondsUntilAutopause" cfn-lint -- "$work/db/pause.yaml"
fi
if break_copy infra/fargate/template.yaml "$work/fargate.yaml" 's/CpuArchitecture: !Ref CpuArchitecture/CpuArchitecture: ARM65/'; then
  expect_failure "cfn-lint: invalid Fargate architecture" "ARM65" cfn-lint -- "$work/fargate.yaml"
fi
if break_copy infra/Dockerfile "$work/Dockerfile" 's/^FROM rust:[^ ]* AS build/FROM rust:latest AS build/'; then
  expect_failure "hadolint: unpinned base image" DL3007 hadolint "$work/Dockerfile"
fi
mkdir -p "$work/loadgen"
lg=infra/loadgen/template.yaml lg_image=infra/loadgen/Dockerfile
contract() { python scripts/lib/loadgen-stack-contract.py "$@"; }
if break_copy "$lg" "$work/loadgen/capability.yaml" 's/PlatformCapabilities: \[FARGATE\]/PlatformCapabilities: [FARGATE_SPOT]/'; then
  # FARGATE_SPOT is a compute environment type, never a job definition's platform capability.
  expect_failure "cfn-lint: invalid Batch platform capability" "E3030.*fargate_spot" cfn-lint -- "$work/loadgen/capability.yaml"
fi
if break_copy "$lg" "$work/loadgen/getatt.yaml" 's/JobRoleArn: !GetAtt JobRole.Arn/JobRoleArn: !GetAtt NoSuchRole.Arn/'; then
  expect_failure "cfn-lint: dangling !GetAtt in the loadgen stack" "E1010.*NoSuchRole" cfn-lint -- "$work/loadgen/getatt.yaml"
fi
if break_copy "$lg" "$work/loadgen/job-role.yaml" 's/Action: s3:PutObject/Action: s3:*/'; then
  expect_failure "contract: a job role beyond s3:PutObject" 'job role statements.*"s3:\*"' contract "$work/loadgen/job-role.yaml" "$lg_image"
fi
if break_copy "$lg" "$work/loadgen/output.yaml" 's/^  JobQueueArn:/  QueueArn:/'; then
  expect_failure "contract: an agreed output renamed" "output JobQueueArn is missing" contract "$work/loadgen/output.yaml" "$lg_image"
fi
if break_copy "$lg" "$work/loadgen/rule.yaml" 's/\["2048", "3072", "4096", "5120"/["2560", "3072", "4096", "5120"/'; then
  expect_failure "contract: a rule allowing a memory Fargate lacks" "memory for ShardVcpu 1.*2560" contract "$work/loadgen/rule.yaml" "$lg_image"
fi
if break_copy "$lg_image" "$work/loadgen/Dockerfile.unpinned" 's/^FROM rust:[^ ]* AS build/FROM rust:latest AS build/'; then
  expect_failure "hadolint: unpinned base image (loadgen)" DL3007 hadolint "$work/loadgen/Dockerfile.unpinned"
fi
if break_copy "$lg_image" "$work/loadgen/Dockerfile.root" 's/^USER 65532:65532/USER root/'; then
  expect_failure "hadolint: the loadgen image runs as root" DL3002 hadolint "$work/loadgen/Dockerfile.root"
fi
if break_copy "$lg_image" "$work/loadgen/Dockerfile.entry" 's|^ENTRYPOINT .*|ENTRYPOINT ["/loadgen"]|'; then
  expect_failure "contract: the image's entry point moved" 'lacks .ENTRYPOINT \["/usr/local/bin/loadgen"\]' contract "$lg" "$work/loadgen/Dockerfile.entry"
fi
printf 'exit 1\n' >"$work/user-data-broken.sh"
printf 'if true; then\n' >>"$work/user-data-broken.sh"
expect_failure "bash -n: unterminated if" "syntax error|unexpected end" bash -n "$work/user-data-broken.sh"

infra_done "infra broken copies"
