# Proof on APIs this project did not write, from the registries: json-server (npm, a REST API over
# a JSON file) and httpbin under gunicorn (PyPI). For each, its scenario
# (loadgen/scenarios/examples/) must pass `loadgen scenario check` and `scenario try` (each journey
# once, every status as expected, every capture found), then a 20 s open-model `loadgen run
# --scenario` with --server-pid on the server must send or drop every arrival with no failure the
# scenario did not expect, and `costcalc report --from-loadgen` must price the server CPU it
# measured (scripts/lib/foreign_apis_check.py works the figure again from summary.json).
# Servers listen on free loopback ports and are stopped on exit; nothing asserts timing.
# shellcheck shell=bash source-path=SCRIPTDIR/../..
set -euo pipefail
source scripts/lib/common.sh
source scripts/lib/venv.sh
source scripts/lib/checks.sh
source scripts/lib/foreign-apis.sh
need_cmd curl curl
need_cmd node nodejs
need_cmd npm npm
trap foreign_stop EXIT

target=${CARGO_TARGET_DIR:-$ROOT/target}
cargo build -q -p loadgen -p costcalc
loadgen=$target/debug/loadgen costcalc=$target/debug/costcalc
work=$TEST_WORK/foreign-apis
mkdir -p "$work"
json_server_ensure
venv_ensure httpbin

# start_on_free_port NAME START_FN READY_PATH ARGS...: START_FN PORT ARGS... on a free port until the
# server answers READY_PATH (another process may take the port between the choice and the bind:
# then a new port, three tries). Sets URL.
start_on_free_port() {
  local name=$1 start=$2 ready=$3 try port i
  shift 3
  for try in 1 2 3; do
    port=$(free_port)
    "$start" "$port" "$@"
    for ((i = 0; i < 600; i++)); do
      if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port$ready" 2>/dev/null; then
        URL=http://127.0.0.1:$port
        pass "$name answers on $URL (pid $SERVER_PID)"
        return 0
      fi
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    say "$name did not start on port $port (try $try of 3)"
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  done
  die "$name did not start: see $work"
}

# scenario_try NAME FILE MARKER...: `loadgen scenario try` exits 0 and prints every MARKER.
scenario_try() {
  local name=$1 file=$2 rc=0
  shift 2
  "$loadgen" scenario check "$file" >"$work/$name-check.out" 2>&1 || rc=$?
  check "$name: scenario check exit status" 0 "$rc"
  rc=0
  timeout 120 "$loadgen" scenario try "$file" --host "$URL" >"$work/$name-try.out" 2>&1 || rc=$?
  check "$name: scenario try exit status" 0 "$rc"
  expect_lines "$name: scenario try" "$work/$name-try.out" "$@"
}

# prove NAME FILE CHECK_ARGS...: the 20 s run, the report, and their checks.
prove() {
  local name=$1 file=$2 out=$work/$1-run rc=0 allow=()
  shift 2
  timeout 150 "$loadgen" run --scenario "$file" --host "$URL" --profile steady --duration 20s \
    --rate-scale 3 --seed 7 --server-pid "$SERVER_PID" --quiet --out "$out" \
    >"$work/$name-run.out" 2>&1 || rc=$?
  check "$name: loadgen run exit status" 0 "$rc"
  [ -f "$out/summary.json" ] || { sed 's/^/    | /' "$work/$name-run.out" >&2; fail "$name: no summary.json"; return; }
  # A loaded machine may drop arrivals; costcalc refuses to price an overloaded run unless told,
  # and the proof here is the pricing of what was measured, so say so and price it anyway.
  if python3 -c 'import json,sys; sys.exit(not json.load(open(sys.argv[1]))["overload"]["detected"])' "$out/summary.json"; then
    say "$name: the run was overloaded (this machine is busy): pricing it with --allow-overloaded"
    allow=(--allow-overloaded)
  fi
  rc=0
  "$costcalc" report --from-loadgen "$out/summary.json" "${allow[@]}" >"$work/$name-report.txt" 2>&1 || rc=$?
  check "$name: costcalc report exit status" 0 "$rc"
  rc=0
  "$costcalc" report --from-loadgen "$out/summary.json" "${allow[@]}" --format json >"$work/$name-report.json" 2>"$work/$name-report.err" || rc=$?
  check "$name: costcalc report --format json exit status" 0 "$rc"
  if python3 scripts/lib/foreign_apis_check.py "$name" "$out/summary.json" "$work/$name-report.json" \
    "$work/$name-report.txt" "$SERVER_PID" "$@"; then :; else
    fail "$name: the proof's checks (above)"
  fi
}

# --- json-server -----------------------------------------------------------------------------------
say "json-server $(node -p "require('$(dirname "$JSON_SERVER_JS")/../../package.json').version") (npm)"
js=loadgen/scenarios/examples/json-server.toml
printf '{"posts": [{"id": 1, "title": "hello", "views": 0}]}\n' >"$work/db.json"
start_on_free_port json-server json_server_start /posts "$work/db.json" "$work/json-server.log"
scenario_try json-server "$js" "journey author: ok (4 requests)" "journey reader: ok (2 requests)" \
  "POST /posts -> 201  saved id=2" "GET /posts/2 -> 200" "PATCH /posts/2 -> 200" "DELETE /posts/2 -> 200"
# The same journey expecting the wrong status must fail, naming where: try is no rubber stamp.
sed 's/"DELETE", path = "\/posts\/{id}", expect = \[200\]/"DELETE", path = "\/posts\/{id}", expect = [204]/' "$js" >"$work/wrong.toml"
rc=0
"$loadgen" scenario try "$work/wrong.toml" --host "$URL" --journey author >"$work/wrong.out" 2>&1 || rc=$?
check "json-server: scenario try expecting 204 from DELETE exit status" 1 "$rc"
expect_lines "json-server: try names the journey, the step and the status" "$work/wrong.out" \
  "journey author: FAILED: /posts/{id}: status 200 is not one the step expects"
js_url=$URL js_pid=$SERVER_PID

# --- httpbin -----------------------------------------------------------------------------------------
say "httpbin $(python -c 'import importlib.metadata as m; print(m.version("httpbin"))') under gunicorn (PyPI)"
hb=loadgen/scenarios/examples/httpbin.toml
start_on_free_port httpbin httpbin_start /get "$work/httpbin.log"
scenario_try httpbin "$hb" "journey member: ok (6 requests)" "journey visitor: ok (2 requests)" \
  "GET /bearer -> 200  saved authenticated=true" "POST /status/201 -> 201" "DELETE /status/404 -> 404" "GET /bearer -> 401"
if grep -q "saved token=.*-.*-" "$work/httpbin-try.out"; then fail "httpbin: try printed the token unmasked"
else pass "httpbin: the token is masked in try's output"; fi
hb_url=$URL hb_pid=$SERVER_PID

# --- the runs --------------------------------------------------------------------------------------
URL=$js_url SERVER_PID=$js_pid
prove json-server "$js" --route 'POST /posts=201' --route 'GET /posts/{id}=200' \
  --route 'PATCH /posts/{id}=200' --route 'DELETE /posts/{id}=200' --route 'GET /posts=200'
URL=$hb_url SERVER_PID=$hb_pid
prove httpbin "$hb" --route 'POST /anything/sign-in=200' --route 'GET /uuid=200' --route 'GET /bearer=200' \
  --route 'POST /post=200' --route 'POST /status/{code}=201' --route 'DELETE /status/{code}=404' \
  --route 'GET /bearer (no token)=401' --route 'GET /status/{code}=200,204'
checks_done 66-foreign-apis
