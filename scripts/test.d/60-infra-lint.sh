# The templates and scripts of infra/ as they are: cfn-lint on every template, sam validate
# --lint on the SAM template, hadolint on the Dockerfiles, the loadgen and database stacks'
# interfaces, bash -n on the EC2 user data.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
source scripts/lib/infra.sh
# --- the real files -----------------------------------------------------------------------------
for t in "${templates[@]}"; do
  [ -f "$t" ] || fail "missing template $t"
done
mapfile -t found < <(find infra -name '*.yaml' -o -name '*.yml' | sort)
[ ${#found[@]} -eq ${#templates[@]} ] || fail "infra/ has templates this stage does not know: ${found[*]}"

say "cfn-lint ${templates[*]}"
if cfn-lint -- "${templates[@]}"; then pass "cfn-lint"; else fail "cfn-lint found problems (above)"; fi

say "sam validate --lint infra/lambda/template.yaml"
if sam validate --lint --template-file infra/lambda/template.yaml; then pass "sam validate"; else fail "sam validate --lint"; fi

for d in "${dockerfiles[@]}"; do
  [ -f "$d" ] || fail "missing Dockerfile $d"
done
mapfile -t found < <(find infra -name 'Dockerfile*' | sort)
[ ${#found[@]} -eq ${#dockerfiles[@]} ] || fail "infra/ has Dockerfiles this stage does not know: ${found[*]}"
say "hadolint ${dockerfiles[*]}"
if hadolint "${dockerfiles[@]}"; then pass "hadolint"; else fail "hadolint found problems (above)"; fi

# What the loadgen stack and image promise scripts/loadgen-distributed (parameters, outputs, the
# job definition, the roles' reach, the bucket, Fargate's vCPU/memory pairs, the entry point).
say "the loadgen stack's interface"
if python scripts/lib/loadgen-stack-contract.py infra/loadgen/template.yaml infra/loadgen/Dockerfile; then
  pass "infra/loadgen keeps its interface"
else
  fail "infra/loadgen breaks its interface (above)"
fi

# What the database stack promises the app stacks: RDS or Aurora Serverless v2, no RDS Proxy on an
# auto-pausing cluster, one database in every combination of its parameters, exports for every import.
say "the database stack's interface"
if python scripts/lib/database-stack-contract.py infra/database.yaml "${app_templates[@]}"; then
  pass "infra/database.yaml keeps its interface (RDS or Aurora Serverless v2, no proxy on auto-pause)"
else
  fail "infra/database.yaml breaks its interface (above)"
fi

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

infra_done "infra lint"
