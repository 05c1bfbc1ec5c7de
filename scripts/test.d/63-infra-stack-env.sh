# The environment the stacks give journal-api: the templates set exactly the agreed variables,
# and the real binary honours them against the throwaway PostgreSQL.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
source scripts/lib/infra.sh
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

infra_done "infra stack environment"
