# Offline checks of infra/: cfn-lint on every template, sam validate --lint on the SAM template,
# hadolint on the Dockerfile, bash -n on the EC2 user data, proof that each check fails on a
# deliberately broken copy, `sam build` of the Lambda stack (cargo-lambda; both functions get our
# bootstrap), and the commands scripts/deploy prints in --dry-run mode.
# Needs no AWS account and no network: the tools come from .venv/infra (scripts/requirements/infra.txt)
# and .venv/lambda (cargo-lambda and zig, scripts/requirements/lambda.txt).
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
# Both tool sets, infra's first on PATH: this stage's `python` must be the one with cfn-lint.
# sam finds cargo-lambda through lambda_path (see sam_build below).
venv_ensure lambda
venv_ensure infra
lambda_path="$ROOT/.venv/lambda/bin:$PATH"

# SAM and cfn-lint want a region; nothing here may reach AWS or look for credentials.
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export SAM_CLI_TELEMETRY=0 SAM_CLI_CONTEXT_ENABLED=0

work=$TEST_WORK/infra
mkdir -p "$work"
fails=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  fails=$((fails + 1))
}
pass() { printf 'ok: %s\n' "$*"; }

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

# --- the real files -----------------------------------------------------------------------------
templates=(infra/database.yaml infra/lambda/template.yaml infra/fargate/template.yaml infra/ec2/template.yaml)
for t in "${templates[@]}"; do
  [ -f "$t" ] || fail "missing template $t"
done
mapfile -t found < <(find infra -name '*.yaml' -o -name '*.yml' | sort)
[ ${#found[@]} -eq ${#templates[@]} ] || fail "infra/ has templates this stage does not know: ${found[*]}"

say "cfn-lint ${templates[*]}"
if cfn-lint -- "${templates[@]}"; then pass "cfn-lint"; else fail "cfn-lint found problems (above)"; fi

say "sam validate --lint infra/lambda/template.yaml"
if sam validate --lint --template-file infra/lambda/template.yaml; then pass "sam validate"; else fail "sam validate --lint"; fi

say "hadolint infra/Dockerfile"
if hadolint infra/Dockerfile; then pass "hadolint"; else fail "hadolint found problems (above)"; fi

# The EC2 user data is a shell script inside !Sub: render it with stand-in values and let bash
# parse it, and the secrets helper it writes.
say "bash -n on the EC2 user data"
python - "$work" <<'PY' || fail "could not extract the EC2 user data"
import re, sys
from cfnlint.decode import decode
tpl, errors = decode("infra/ec2/template.yaml")
if errors:
    sys.exit(f"infra/ec2/template.yaml does not parse: {errors}")
sub = tpl["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"]["UserData"]["Fn::Base64"]["Fn::Sub"]
script = re.sub(r"\$\{([^}!]+)\}", lambda m: "stand-in-" + m.group(1).replace(":", "-"), sub[0])
open(f"{sys.argv[1]}/user-data.sh", "w").write(script)
helper = re.search(r"cat >/opt/journal-api/fetch-secrets <<'EOF'\n(.*?)\nEOF\n", script, re.S)
if not helper:
    sys.exit("the user data no longer writes /opt/journal-api/fetch-secrets")
open(f"{sys.argv[1]}/fetch-secrets.sh", "w").write(helper.group(1))
PY
for f in user-data.sh fetch-secrets.sh; do
  if [ -f "$work/$f" ] && bash -n "$work/$f"; then pass "bash -n $f"; else fail "bash -n $f"; fi
done

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

# --- sam build of the Lambda stack --------------------------------------------------------------
# scripts/deploy lambda runs `sam build` for real: release, arm64 by default. Here the same
# template builds its debug x86_64 variant, which costs seconds instead of minutes:
# - SAM_BUILD_MODE=debug makes sam's rust-cargolambda workflow leave out --release;
# - the template's CodeUri is the api package, so sam's `cargo lambda build --bin journal-api`
#   (x86_64 is cargo-lambda's default target) selects package api alone: the same units, features
#   and target as stage 50's `cargo lambda build --package api --bin journal-api --x86-64`, which
#   cargo therefore finds fresh. (Under `scripts/test 60` alone it compiles them: ~3 minutes.)
# - sam copies <cargo target dir>/lambda/journal-api/bootstrap (the dir from `cargo metadata`, so
#   CARGO_TARGET_DIR counts). So that a debug binary never lands in $CARGO_TARGET_DIR/lambda,
#   where scripts/build-lambda keeps the release package, sam gets a scratch target dir whose
#   compile directories are links into $CARGO_TARGET_DIR.
# - cargo-lambda finds zig as `python3 -m ziglang`: python3 must be .venv/lambda's, hence lambda_path.
say "sam build (debug, x86_64) of infra/lambda/template.yaml"
need_cmd readelf binutils
sam_target=$work/sam-target
mkdir -p "$sam_target" "$CARGO_TARGET_DIR/debug" "$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu"
ln -sfn "$CARGO_TARGET_DIR/debug" "$sam_target/debug"
ln -sfn "$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu" "$sam_target/x86_64-unknown-linux-gnu"
sam_build() { # sam_build TEMPLATE BUILD-DIR
  rm -rf "$2"
  env PATH="$lambda_path" CARGO_TARGET_DIR="$sam_target" SAM_BUILD_MODE=debug \
    sam build --template-file "$1" --build-dir "$2" --parameter-overrides Architecture=x86_64
}

# check_bootstrap FILE MACHINE: FILE is an executable 64-bit ELF for MACHINE (readelf's name) whose
# glibc needs fit provided.al2023, and (when it runs here) says it is journal-api.
check_bootstrap() {
  local file=$1 machine=$2 header glibc version said=
  if [ ! -f "$file" ] || [ ! -x "$file" ]; then echo "$file: missing or not executable"; return 1; fi
  header=$(readelf -h "$file" 2>&1) || { echo "$file: not an ELF file: $header"; return 1; }
  grep -qE '^ *Class: +ELF64$' <<<"$header" || { echo "$file: not ELF64"; return 1; }
  grep -qE '^ *Type: +(EXEC|DYN) ' <<<"$header" || { echo "$file: not an executable ELF"; return 1; }
  if ! grep -qE "^ *Machine: +$machine\$" <<<"$header"; then
    echo "$file: built for $(sed -n 's/^ *Machine: *//p' <<<"$header"), expected $machine"
    return 1
  fi
  glibc=$(readelf -W --version-info "$file" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -1)
  if [ -z "$glibc" ] || [ "$(printf '%s\nGLIBC_2.34\n' "$glibc" | sort -V | tail -1)" != GLIBC_2.34 ]; then
    echo "$file needs ${glibc:-no versioned glibc}, expected at most provided.al2023's GLIBC_2.34"
    return 1
  fi
  if [ "$machine" = "Advanced Micro Devices X86-64" ] && [ "$(uname -m)" = x86_64 ]; then
    version=$(env -i "$file" --version 2>&1) || true
    [[ $version == "journal-api "* ]] || { echo "$file --version: '$version', expected journal-api <version>"; return 1; }
    said=", --version says '$version'"
  fi
  echo "$file: ELF64 $machine executable, needs $glibc$said"
}

x86="Advanced Micro Devices X86-64"
sam_out=$work/sam-build
start=$SECONDS
if sam_build infra/lambda/template.yaml "$sam_out"; then
  pass "sam build ($((SECONDS - start))s)"
  # Every function of the template (whatever its logical id) must have its own bootstrap.
  mapfile -t fns < <(python - "$sam_out/template.yaml" <<'PY'
import sys
from cfnlint.decode import decode
tpl, errors = decode(sys.argv[1])
if errors:
    sys.exit(f"{sys.argv[1]} does not parse: {errors}")
for name, res in tpl["Resources"].items():
    if res["Type"] == "AWS::Serverless::Function":
        print(name, res["Properties"]["CodeUri"])
PY
  )
  if [ ${#fns[@]} -eq 2 ]; then
    for fn in "${fns[@]}"; do
      read -r id uri <<<"$fn"
      if out=$(check_bootstrap "$sam_out/$uri/bootstrap" "$x86"); then pass "$id: $out"; else fail "$id: $out"; fi
    done
    # The check itself: the same binary is not an arm64 one.
    read -r _ uri <<<"${fns[0]}"
    if out=$(check_bootstrap "$sam_out/$uri/bootstrap" AArch64); then
      fail "check_bootstrap passed an x86_64 binary as AArch64: $out"
    elif grep -q "expected AArch64" <<<"$out"; then
      pass "check_bootstrap: an x86_64 bootstrap is not taken for arm64"
    else
      fail "check_bootstrap failed on the architecture, but said: $out"
    fi
  else
    fail "the built template should hold 2 functions (API and migrate), found: ${fns[*]}"
  fi
else
  fail "sam build of infra/lambda/template.yaml (above)"
fi
rm -rf "$sam_out" # two debug binaries of ~170 MB each
# A template naming a binary the workspace lacks must fail the build, not copy a stale bootstrap.
if break_copy infra/lambda/template.yaml "$work/lambda/no-such-binary.yaml" \
  "s/Binary: journal-api/Binary: no-such-binary/; s|CodeUri: \.\./\.\./api|CodeUri: $ROOT/api|"; then
  expect_failure "sam build: a Binary that does not exist" "(binary target is missing|no bin target named).*no-such-binary" \
    sam_build "$work/lambda/no-such-binary.yaml" "$work/sam-build-broken"
fi

# --- the environment the stacks give the binary ------------------------------------------------
# Every stack hands journal-api DATABASE_URL=postgres:// plus the libpq PG* variables (credentials
# from Secrets Manager). First: the three templates set exactly that set of variables...
say "the stacks' environment contract"
expected_env="DATABASE_URL JWT_SECRET LOG_FORMAT PGDATABASE PGHOST PGPASSWORD PGPORT PGSSLMODE PGUSER RUST_LOG"
if python - "$expected_env" <<'PY'; then
import re, sys
from cfnlint.decode import decode
expected = set(sys.argv[1].split())
def load(path):
    tpl, errors = decode(path)
    if errors:
        sys.exit(f"{path} does not parse: {errors}")
    return tpl
found = {}
env = load("infra/lambda/template.yaml")["Globals"]["Function"]["Environment"]["Variables"]
found["lambda"] = (set(env), env.get("DATABASE_URL"), env.get("PGSSLMODE"))
fg = load("infra/fargate/template.yaml")["Resources"]
for td in ("ApiTaskDefinition", "MigrateTaskDefinition"):
    c = fg[td]["Properties"]["ContainerDefinitions"][0]
    plain = {e["Name"]: e["Value"] for e in c["Environment"]}
    names = set(plain) | {s["Name"] for s in c["Secrets"]}
    found[f"fargate {td}"] = (names - {"PORT"}, plain.get("DATABASE_URL"), plain.get("PGSSLMODE"))
ud = load("infra/ec2/template.yaml")["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"]["UserData"]["Fn::Base64"]["Fn::Sub"][0]
envfile = re.search(r"cat >/etc/journal-api/journal-api.env <<'EOF'\n(.*?)\nEOF\n", ud, re.S).group(1)
plain = dict(line.split("=", 1) for line in envfile.splitlines())
names = set(plain) | set(re.findall(r'print\("([A-Z_]+)=', ud))
found["ec2"] = (names, plain.get("DATABASE_URL"), plain.get("PGSSLMODE"))
bad = 0
for where, (names, url, sslmode) in found.items():
    extra = names - expected - {"DB_PROXY", "AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH"}
    if expected - names or extra:
        print(f"{where}: missing {sorted(expected - names)}, unexpected {sorted(extra)}"); bad = 1
    if url != "postgres://" or sslmode != "require":
        print(f"{where}: DATABASE_URL={url!r} PGSSLMODE={sslmode!r}, expected 'postgres://' and 'require'"); bad = 1
sys.exit(bad)
PY
  pass "lambda, fargate (api and migrate) and ec2 set: $expected_env"
else
  fail "the templates do not give journal-api the expected environment (above)"
fi

# ...and second: the real binary honours them, against the throwaway PostgreSQL on loopback.
bin=$CARGO_TARGET_DIR/debug/journal-api
# Stage 10 normally built it. Rebuild as stage 10 does (same features, so the artifacts stay
# shared) when it is missing or older than the API's sources, e.g. under `scripts/test 60`.
if [ ! -x "$bin" ] || [ -n "$(find api Cargo.toml Cargo.lock -newer "$bin" -print -quit)" ]; then
  say "building the workspace (journal-api is missing or stale)"
  cargo build --workspace --all-targets --locked
fi
[ -n "${TEST_DATABASE_URL:-}" ] || die "TEST_DATABASE_URL is not set: run this stage through scripts/test"
read -r pg_host pg_port pg_user < <(python - "$TEST_DATABASE_URL" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(u.hostname, u.port or 5432, u.username or "postgres")
PY
)
psql "$TEST_DATABASE_URL" -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS infra_env WITH (FORCE)" \
  -c "CREATE DATABASE infra_env" >/dev/null
# As the stacks set it, but PGSSLMODE: the throwaway cluster has no TLS (RDS forces it; see below).
stack_env=(DATABASE_URL=postgres:// PGHOST="$pg_host" PGPORT="$pg_port" PGDATABASE=infra_env
  PGUSER="$pg_user" PGPASSWORD=unused-with-trust-auth JWT_SECRET=infra-stage-jwt-secret-of-40-characters!
  LOG_FORMAT=json RUST_LOG=warn DB_PROXY=1)
api() { env -i PATH="$PATH" "${stack_env[@]}" "$@"; }

if out=$(api PGSSLMODE=disable "$bin" migrate 2>&1) && grep -q '"applied":\["' <<<"$out"; then
  pass "journal-api migrate with DATABASE_URL=postgres:// and PG*: $out"
else
  fail "journal-api migrate with the stacks' environment: $out"
fi
# PGSSLMODE=require must reach the driver: against a server without TLS it has to refuse.
if out=$(api PGSSLMODE=require "$bin" migrate 2>&1); then
  fail "PGSSLMODE=require was ignored: migrate connected to a server without TLS"
elif grep -qi 'tls' <<<"$out"; then
  pass "PGSSLMODE=require is honoured (refuses a server without TLS)"
else
  fail "PGSSLMODE=require: failed, but not for TLS: $out"
fi
port=$(free_port)
# Not through api(): $! must be the server itself (env execs it), not a subshell around it.
env -i PATH="$PATH" "${stack_env[@]}" PGSSLMODE=disable "$bin" serve --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
serve_pid=$!
ready=""
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/ready" 2>/dev/null; then ready=1; break; fi
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
if [ -n "$ready" ]; then
  pass "journal-api serve with the stacks' environment answers GET /ready"
else
  sed 's/^/    | /' "$work/serve.log" >&2
  fail "journal-api serve with the stacks' environment never answered GET /ready"
fi

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

# expect_lines NAME FILE LINE...: each LINE must appear verbatim in FILE.
expect_lines() {
  local name=$1 file=$2 line missing=0
  shift 2
  for line in "$@"; do
    if ! grep -qF -- "$line" "$file"; then
      fail "$name: missing from the output: $line"
      missing=1
    fi
  done
  if [ $missing = 1 ]; then sed 's/^/    | /' "$file" >&2; else pass "$name"; fi
}

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
if [ -e "$work/tripwire/called" ]; then fail "a refused invocation ran: $(cat "$work/tripwire/called")"; fi

if [ $fails -gt 0 ]; then
  echo "infra: $fails check(s) failed" >&2
  exit 1
fi
echo "infra: every check passed"
