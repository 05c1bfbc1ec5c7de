# The peers scripts/bench-loadgen measures loadgen against: Locust (PyPI, .venv/bench) and
# Artillery (npm, installed under .tools/, gitignored), plus wrk paced to a fixed rate. Each run
# function prints one line of figures; the caller ($WORK, $URL, $STEP_S) owns the scratch dir.
# shellcheck shell=bash

# The newest Artillery whose package accepts Node 20 (Debian's): 2.0.22 on asks for Node >= 22.13.
ARTILLERY_VERSION=2.0.21
ARTILLERY_MIN_NODE=18

# Locust in .venv/bench (scripts/requirements/bench.txt), Artillery under .tools/; a clear error
# when python3 or node/npm is missing.
peers_ensure() {
  command -v python3 >/dev/null 2>&1 || die "python3 is missing: install the Debian packages python3 and python3-venv (Locust runs in .venv/bench)"
  venv_ensure bench
  command -v locust >/dev/null 2>&1 || die "locust is missing from .venv/bench: delete .venv/bench and run again"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "node or npm is missing: install the Debian packages nodejs and npm (Node >= $ARTILLERY_MIN_NODE; Artillery comes from the npm registry)"
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge "$ARTILLERY_MIN_NODE" ] || die "node $(node --version) is too old for Artillery $ARTILLERY_VERSION: install Node >= $ARTILLERY_MIN_NODE"
  ARTILLERY_DIR=$ROOT/.tools/artillery-$ARTILLERY_VERSION
  ARTILLERY=$ARTILLERY_DIR/node_modules/.bin/artillery
  if [ ! -x "$ARTILLERY" ]; then
    say "installing Artillery $ARTILLERY_VERSION into .tools/ (npm, no install scripts)"
    mkdir -p "$ARTILLERY_DIR"
    # --ignore-scripts: Artillery's optional Playwright engine would download a browser, which
    # cannot be fetched here; the HTTP engine needs no install script.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$ARTILLERY_DIR" --ignore-scripts \
      --save-exact --no-audit --no-fund --loglevel=error "artillery@$ARTILLERY_VERSION" >/dev/null \
      || die "npm install artillery@$ARTILLERY_VERSION failed (is the npm registry reachable?)"
  fi
  # Artillery's telemetry would phone home at each run; nothing of it is needed here.
  export ARTILLERY_DISABLE_TELEMETRY=true
}

# locust_run USERS PACING_S NAME: Locust FastHttpUser, one process, headless, $STEP_S seconds.
# PACING_S 0 is the closed loop. Prints "requests failures req_per_s cpu_us_per_request p99_ms
# cores" (cores: the process's CPU seconds per second, 1.0 when it saturates its one core).
locust_run() {
  local users=$1 pacing=$2 out=$WORK/locust-$3.json
  BENCH_OUT=$out BENCH_PACING_S=$pacing locust -f "$ROOT/scripts/bench/locustfile.py" --headless \
    --host "$URL" -u "$users" -r "$users" -t "${STEP_S}s" --stop-timeout 5 --loglevel ERROR \
    --only-summary >"$WORK/locust-$3.log" 2>&1 || true # exits 1 when a request failed
  [ -f "$out" ] || die "Locust wrote no figures: see $WORK/locust-$3.log"
  python3 - "$out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
n = max(r["requests"], 1)
print(r["requests"], r["failures"], round(r["requests"] / r["seconds"]),
      round(r["cpu_s"] / n * 1e6, 1), r["p99_ms"], round(r["cpu_s"] / r["seconds"], 2))
EOF
}

# artillery_run RATE SECONDS NAME: one arrival-rate phase of RATE new users a second for SECONDS,
# each sending one GET /health. Prints "requests failures wall_s cpu_s p99_ms": wall_s from the
# first to the last response Artillery counted (it stretches its schedule when it falls behind),
# cpu_s the whole process's user + sys (start-up included; see artillery_peer).
artillery_run() {
  local rate=$1 secs=$2 name=$3 script=$WORK/artillery-$3.json
  cat >"$script" <<EOF
{"config": {"target": "$URL", "phases": [{"duration": $secs, "arrivalRate": $rate}],
            "http": {"timeout": 10}},
 "scenarios": [{"flow": [{"get": {"url": "/health"}}]}]}
EOF
  /usr/bin/time -f "%U %S" -o "$WORK/artillery-$name.cpu" "$ARTILLERY" run --quiet \
    --output "$WORK/artillery-$name.out.json" "$script" >"$WORK/artillery-$name.log" 2>&1 \
    || die "Artillery failed: see $WORK/artillery-$name.log"
  python3 - "$WORK/artillery-$name.out.json" "$WORK/artillery-$name.cpu" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))["aggregate"]
c = a["counters"]
u, s = open(sys.argv[2]).read().split()[-2:]
ok = c.get("http.codes.200", 0)
failed = c.get("vusers.failed", 0) + c.get("http.requests", 0) - ok
wall = max((a["lastCounterAt"] - a["firstCounterAt"]) / 1000, 1e-3)
p99 = a.get("summaries", {}).get("http.response_time", {}).get("p99", 0)
print(c.get("http.requests", 0), failed, round(wall, 2), round(float(u) + float(s), 2), p99)
EOF
}

# artillery_peer RATE NAME: Artillery asked for RATE req/s over $STEP_S seconds. Prints
# "requests failures achieved_req_per_s cpu_us_per_request p99_ms". The CPU per request leaves
# out Node's start-up and exit: $ARTILLERY_IDLE_CPU_S, the CPU seconds of a run of one arrival
# (artillery_run 1 1 idle), which the caller measures first.
artillery_peer() {
  local r
  r=$(artillery_run "$1" "$STEP_S" "$2")
  # shellcheck disable=SC2086 # the run's five figures, split on purpose
  python3 - "$ARTILLERY_IDLE_CPU_S" $r <<'EOF'
import sys
idle, n, failed, wall, cpu, p99 = map(float, sys.argv[1:])
print(int(n), int(failed), round(n / wall), round(max(cpu - idle, 0) / max(n - 1, 1) * 1e6, 1), p99)
EOF
}

# wrk_paced RATE: wrk with 32 connections, each pausing 32/RATE s after every response
# (scripts/bench/paced.lua), about RATE req/s for $STEP_S seconds. Prints
# "requests errors req_per_s p99_ms" (wrk's own latency histogram).
wrk_paced() {
  local rate=$1 out=$WORK/wrk-paced.txt
  wrk -t1 -c32 -d"${STEP_S}s" --latency -s "$ROOT/scripts/bench/paced.lua" "$URL/health" \
    -- "$(python3 -c "print(32 / $rate * 1000)")" >"$out"
  python3 - "$out" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
n = int(re.search(r"(\d+) requests in", t).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", t))
errors += int((re.search(r"Non-2xx or 3xx responses: (\d+)", t) or [0, 0])[1])
v, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", t).groups()
print(n, errors, round(rps), round(float(v) * {"us": 1e-3, "ms": 1, "s": 1e3}[unit], 2))
EOF
}
