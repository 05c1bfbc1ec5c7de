# `sam build` of the Lambda stack (cargo-lambda): both functions get our bootstrap, checked as
# an ELF for the right machine whose glibc needs fit provided.al2023; a template naming a binary
# the workspace lacks must fail the build.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
source scripts/lib/infra.sh
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
mkdir -p "$work/lambda" # stage 61 makes it too, but this stage may run alone
if break_copy infra/lambda/template.yaml "$work/lambda/no-such-binary.yaml" \
  "s/Binary: journal-api/Binary: no-such-binary/; s|CodeUri: \.\./\.\./api|CodeUri: $ROOT/api|"; then
  expect_failure "sam build: a Binary that does not exist" "(binary target is missing|no bin target named).*no-such-binary" \
    sam_build "$work/lambda/no-such-binary.yaml" "$work/sam-build-broken"
fi

infra_done "infra sam build"
