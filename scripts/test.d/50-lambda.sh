# AWS Lambda, the parts that need more than cargo:
#  1. DB_PROXY behind a real transaction pooler: PgBouncer (pool_mode=transaction) in front of the
#     test cluster; the API's PostgreSQL suite runs through it with DB_PROXY's settings, and
#     api/tests/it/lambda_proxy.rs shows the same queries fail there with the statement cache on.
#  2. Packaging and the emulator: cargo-lambda (from .venv/lambda) builds the bootstrap, the
#     x86_64 binary's glibc needs are checked, and `cargo lambda watch` runs the real function
#     on loopback, driven with `cargo lambda invoke` (API Gateway v2 events) and plain HTTP on its
#     Function URL path: register, login, create, list, update, delete, and the migrate role, on
#     SQLite and PostgreSQL.
# Bounded: every wait has a timeout, every server started here is stopped on exit.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh

work=$TEST_WORK/lambda
mkdir -p "$work"
pids=()
cleanup_lambda() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -f "${pb_dir:-/nonexistent}/pgbouncer.pid" ]; then
    kill "$(cat "$pb_dir/pgbouncer.pid" 2>/dev/null)" 2>/dev/null || true
  fi
}
trap cleanup_lambda EXIT

# --- 1. PgBouncer ------------------------------------------------------------------------------
need_cmd pgbouncer pgbouncer
pg_hostport=${TEST_DATABASE_URL#*@}
pg_hostport=${pg_hostport%%/*}
pg_port=${pg_hostport##*:}
pb_port=$(free_port)
pb_dir=$work/pgbouncer
mkdir -p "$pb_dir"
# One server connection per database: two client connections that both name a statement
# "sqlx_s_1" meet on the same server, so named statements fail every time instead of by chance;
# it also proves no request needs two connections at once (Lambda gives it one).
prepared_setting=
pb_version=$(pgbouncer --version | awk 'NR==1 {print $2}')
# PgBouncer 1.21+ can track named statements itself; 0 keeps that off, as RDS Proxy behaves.
if [ "$(printf '%s\n1.21.0\n' "$pb_version" | sort -V | head -1)" = 1.21.0 ]; then
  prepared_setting="max_prepared_statements = 0"
fi
cat >"$pb_dir/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$pg_port user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $pb_port
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = 1
max_client_conn = 500
query_wait_timeout = 15
ignore_startup_parameters = extra_float_digits,options
logfile = $pb_dir/pgbouncer.log
pidfile = $pb_dir/pgbouncer.pid
$prepared_setting
EOF
if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$pb_dir"
  runuser -u postgres -- pgbouncer "$pb_dir/pgbouncer.ini" >/dev/null 2>&1 &
else
  pgbouncer "$pb_dir/pgbouncer.ini" >/dev/null 2>&1 &
fi
pids+=($!)
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$pb_port") 2>/dev/null && break
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$pb_port") 2>/dev/null || { cat "$pb_dir/pgbouncer.log" >&2; die "PgBouncer did not start"; }
say "PgBouncer $pb_version on 127.0.0.1:$pb_port (transaction pooling) in front of 127.0.0.1:$pg_port"

direct_url=$TEST_DATABASE_URL
proxied() {
  TEST_DB_PROXY=1 TEST_DIRECT_DATABASE_URL=$direct_url \
    TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$pb_port/postgres" "$@"
}
say "the API's PostgreSQL suite through PgBouncer, statement cache off (DB_PROXY's settings)"
# lambda_events spawns functions that run their own migrations: those need a direct connection.
proxied cargo nextest run -p api --locked --no-tests=fail \
  -E 'test(/postgres/) - test(/^lambda_events::/)'
say "named statements fail through PgBouncer; DB_PROXY's settings do not"
proxied cargo nextest run -p api --locked --no-tests=fail --test it \
  -E 'test(/^lambda_proxy::/)' --run-ignored only

# --- 2. packaging and the emulator ------------------------------------------------------------
venv_ensure lambda
need_cmd readelf binutils
# A debug build through cargo-lambda (zig): the same target, linker and glibc floor as the
# release package that scripts/build-lambda makes, in a fraction of the time.
say "cargo lambda build (debug, x86_64)"
cargo lambda build --package api --bin journal-api --locked --x86-64 --lambda-dir "$work/pkg"
bootstrap=$work/pkg/journal-api/bootstrap
[ -x "$bootstrap" ] || die "cargo lambda build wrote no $bootstrap"
glibc=$(readelf -W --version-info "$bootstrap" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -1)
[ -n "$glibc" ] || die "$bootstrap: no GLIBC symbol versions found"
if [ "$(printf '%s\nGLIBC_2.34\n' "$glibc" | sort -V | tail -1)" != GLIBC_2.34 ]; then
  die "$bootstrap needs $glibc: newer than provided.al2023's GLIBC_2.34"
fi
say "bootstrap needs at most $glibc (provided.al2023 has GLIBC_2.34)"

pg_db="lambda_e2e_$$"
psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $pg_db" >/dev/null
pg_url="${TEST_DATABASE_URL%/*}/$pg_db"

say "the real function through cargo lambda watch: API Gateway v2 events and its Function URL"
timeout 240 python3 - "$bootstrap" "$work" "sqlite://$work/e2e.db" "$pg_url" <<'PY'
import json, os, signal, socket, subprocess, sys, time, urllib.request, urllib.error

bootstrap, work, sqlite_url, pg_url = sys.argv[1:5]
EVENTS = "api/tests/events"
checks = 0

def fail(msg):
    sys.exit(f"FAIL: {msg}")

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

class Emulator:
    """`cargo lambda watch --only-lambda-apis` plus the function process it serves."""
    def __init__(self, handler, db_url):
        self.port = free_port()
        self.log = open(f"{work}/watch-{handler}-{self.port}.log", "w+")
        self.watch = subprocess.Popen(
            ["cargo", "lambda", "watch", "--only-lambda-apis", "--invoke-address", "127.0.0.1",
             "--invoke-port", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while "starting Runtime server" not in open(self.log.name).read():
            if time.time() > deadline or self.watch.poll() is not None:
                fail(f"the emulator did not start:\n{open(self.log.name).read()}")
            time.sleep(0.1)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA")}
        env.update(AWS_LAMBDA_RUNTIME_API=f"http://127.0.0.1:{self.port}/.rt",
                   AWS_LAMBDA_FUNCTION_NAME="_", AWS_LAMBDA_FUNCTION_VERSION="1",
                   AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256", _HANDLER=handler, DATABASE_URL=db_url,
                   JWT_SECRET="e2e-secret-e2e-secret-e2e-secret-e2e-0001", DB_PROXY="1",
                   RUST_LOG="info")
        self.flog = open(f"{work}/function-{handler}-{self.port}.log", "w+")
        self.fn = subprocess.Popen([bootstrap], env=env, stdout=self.flog, stderr=subprocess.STDOUT)

    def logs(self):
        return open(self.flog.name).read() + "\n--- emulator ---\n" + open(self.log.name).read()

    def invoke(self, payload):
        """`cargo lambda invoke` with a JSON payload; returns the function's JSON answer."""
        path = f"{work}/payload.json"
        with open(path, "w") as f:
            f.write(payload)
        r = subprocess.run(["cargo", "lambda", "invoke", "--invoke-address", "127.0.0.1",
                            "--invoke-port", str(self.port), "--data-file", path,
                            "--output-format", "json", "_"],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            fail(f"cargo lambda invoke failed: {r.stderr}\n{self.logs()}")
        return json.loads(r.stdout)

    def event(self, name, status, **subs):
        global checks
        text = open(f"{EVENTS}/{name}.json").read()
        for k, v in subs.items():
            text = text.replace("{{" + k + "}}", v)
        res = self.invoke(text)
        if res.get("statusCode") != status:
            fail(f"{name}: expected {status}, got {res}\n{self.logs()}")
        checks += 1
        body = res.get("body") or ""
        return json.loads(body) if body else None

    def url(self, method, path, status, body=None, token=None, form=False):
        """Plain HTTP on the emulator's Function URL path."""
        global checks
        headers = {}
        data = None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            if form:
                data = body.encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/lambda-url/_{path}",
                                     data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                code, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            code, raw = e.code, e.read()
        if code != status:
            fail(f"{method} {path}: expected {status}, got {code} {raw!r}\n{self.logs()}")
        checks += 1
        return json.loads(raw) if raw else None

    def close(self):
        for p in (self.fn, self.watch):
            p.send_signal(signal.SIGTERM)
        for p in (self.fn, self.watch):
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()

def journey(label, db_url):
    global checks
    em = Emulator("migrate", db_url)
    try:
        first = em.invoke("{}")
        if not first.get("applied") or first.get("pending_before") != len(first["applied"]):
            fail(f"{label}: first migrate: {first}\n{em.logs()}")
        again = em.invoke("{}")
        if again != {"applied": [], "pending_before": 0}:
            fail(f"{label}: second migrate: {again}")
        checks += 2
    finally:
        em.close()

    em = Emulator("api", db_url)
    try:
        if em.event("apigw-v2-health", 200) != {"status": "healthy"}:
            fail("health body")
        em.event("apigw-v2-register-base64", 200)
        login = em.url("POST", "/api/v1/auth/login", 200,
                       body="username=lambda%40example.com&password=correct+horse+battery", form=True)
        token = login["access_token"]
        entry = em.event("apigw-v2-create", 201, ACCESS_TOKEN=token)
        eid = entry["id"]
        listed = em.url("GET", "/api/v1/entries?limit=5", 200, token=token)
        if [e["id"] for e in listed] != [eid]:
            fail(f"list: {listed}")
        updated = em.url("PUT", f"/api/v1/entries/{eid}", 200, body={"intention": "e2e"}, token=token)
        if updated["intention"] != "e2e":
            fail(f"update: {updated}")
        got = em.event("apigw-v2-get", 200, ACCESS_TOKEN=token, ENTRY_ID=eid)
        if got["intention"] != "e2e":
            fail(f"get after update: {got}")
        em.url("DELETE", f"/api/v1/entries/{eid}", 204, token=token)
        if em.event("apigw-v2-list-query", 200, ACCESS_TOKEN=token) != []:
            fail("list after delete is not empty")
        em.url("GET", "/api/v1/entries", 401)
        em.url("GET", "/no/such/route", 404)
    finally:
        em.close()
    print(f"ok: {label}: migrate, register, login (form), create, list, update, read, delete, 401, 404")

journey("SQLite", sqlite_url)
journey("PostgreSQL", pg_url)
print(f"emulator: {checks} passed, 0 failed")
PY
