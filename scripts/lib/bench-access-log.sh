# The access log's cost, for scripts/bench-api (sourced after its servers are up: $BIN, $BARE_PORT,
# $BARE_LIST, $BASE's database and tokens, $WORK, $THREADS, $DURATION, $ROUNDS, LOG_PIDS).
#
# journal-api with its default logging (RUST_LOG=info: one text access-log line per request to
# stdout, here a file) against the same binary at RUST_LOG=warn (no access log) and against bare
# axum servers (api/examples/bare_health.rs for GET /health, api/examples/bare_list.rs for the list
# of 20: the handler's token check, query and JSON, no middleware), one after the other in each
# round, so the machine's load falls on all alike; only same-round ratios are compared, and the
# order of the servers is reversed every other round, so that a load that rises or falls within a
# round does not favour one of them. With BENCH_BASELINE_BIN (an older journal-api, say the commit
# before a change) its two servers run in the same rounds, so before and after come from one run.
# Then each info server's lines against what it served: a log that lost lines would look cheap.
# shellcheck shell=bash disable=SC2154 # bench-api's variables

LOG_CONNECTIONS=${BENCH_LOG_CONNECTIONS:-16}
LOG_ROWS=()

# log_server NAME BIN RUST_LOG: a journal-api on a free port, its stdout in $WORK/NAME.log.
log_server() {
  local name=$1 bin=$2 filter=$3 port
  port=$(free_port)
  RUST_LOG=$filter "$bin" serve --no-migrate --addr "127.0.0.1:$port" >"$WORK/$name.log" 2>&1 &
  LOG_PIDS+=($!)
  wait_http "http://127.0.0.1:$port/health" 30
  LOG_URL[$name]=http://127.0.0.1:$port
}

# log_rps NAME URL [SCRIPT]: requests per second; the requests served go to $WORK/served.
log_rps() {
  local name=$1 url=$2 script=${3:-} out
  out=$(wrk -t"$THREADS" -c"$LOG_CONNECTIONS" -d"$DURATION" ${script:+-s "$script"} "$url")
  if grep -q 'Non-2xx' <<<"$out"; then echo "$out" >&2; die "$name $url: non-2xx responses: the run is invalid"; fi
  echo "$name $(awk '/requests in/ {print $1}' <<<"$out")" >>"$WORK/served"
  awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out"
}

access_log_rounds() {
  declare -gA LOG_URL
  LOG_BINS=(after)
  log_server after-info "$BIN" info
  log_server after-warn "$BIN" warn
  if [ -n "${BENCH_BASELINE_BIN:-}" ]; then
    LOG_BINS+=(before)
    log_server before-info "$BENCH_BASELINE_BIN" info
    log_server before-warn "$BENCH_BASELINE_BIN" warn
  fi
  local port
  port=$(free_port)
  "$BARE_LIST" "127.0.0.1:$port" >"$WORK/bare-list.log" 2>&1 &
  LOG_PIDS+=($!)
  local i n
  for ((i = 0; i < 300; i++)); do
    n=$(curl -fsS --max-time 1 -H "Authorization: Bearer $READER" "http://127.0.0.1:$port/api/v1/entries" 2>/dev/null \
      | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null) && break
    sleep 0.1
  done
  [ "${n:-}" = 20 ] || die "the bare list server should answer the reader's 20 entries, answered ${n:-nothing}"
  LOG_URL[bare-list]=http://127.0.0.1:$port
  local round route path script b row name servers rates
  for round in $(seq 1 "$ROUNDS"); do
    for route in health list; do
      say "access-log round $round/$ROUNDS: $route on bare and ${LOG_BINS[*]} at info and warn ($DURATION each)"
      if [ $route = health ]; then
        path=/health script=
        LOG_URL[bare]=http://127.0.0.1:$BARE_PORT
      else
        path=/api/v1/entries script=scripts/bench/list.lua
        LOG_URL[bare]=${LOG_URL[bare-list]}
      fi
      servers=(bare)
      for b in "${LOG_BINS[@]}"; do servers+=("$b-info" "$b-warn"); done
      if [ $((round % 2)) = 0 ]; then
        local reversed=()
        for ((i = ${#servers[@]} - 1; i >= 0; i--)); do reversed+=("${servers[i]}"); done
        servers=("${reversed[@]}")
      fi
      declare -A rates=()
      for name in "${servers[@]}"; do
        rates[$name]=$(TOKEN=$READER log_rps "$name-$route" "${LOG_URL[$name]}$path" "$script")
      done
      row="$round $(cut -d' ' -f1 /proc/loadavg) $route ${rates[bare]}"
      for b in "${LOG_BINS[@]}"; do row+=" ${rates[$b-info]} ${rates[$b-warn]}"; done
      LOG_ROWS+=("$row")
      unset rates
    done
  done
}

access_log_report() {
  echo
  echo "access log, req/s (wrk -t$THREADS -c$LOG_CONNECTIONS, $DURATION each, in turns; ratios within a round):"
  python3 - "$WORK" "${LOG_BINS[*]}" "${LOG_ROWS[@]}" <<'PY'
import collections, pathlib, statistics, sys
work, bins, rows = pathlib.Path(sys.argv[1]), sys.argv[2].split(), sys.argv[3:]
head = f"{'round':<6} {'load':>5} {'route':<7} {'bare':>8}"
for b in bins:
    head += f" {b + ' info':>12} {b + ' warn':>12} {'info/warn':>9} {'info/bare':>9} {'warn/bare':>9}"
print(head)
ratios = collections.defaultdict(list)
for row in rows:
    r, load, route, bare, *v = row.split()
    line = f"{r:<6} {load:>5} {route:<7} {int(bare):>8,}"
    for i, b in enumerate(bins):
        info, warn = int(v[2 * i]), int(v[2 * i + 1])
        got = {"info/warn": info / warn, "info/bare": info / int(bare), "warn/bare": warn / int(bare)}
        line += f" {info:>12,} {warn:>12,}" + "".join(f" {x:>9.2f}" for x in got.values())
        for k, x in got.items():
            ratios[(b, route, k)].append(x)
    print(line)
print("medians over the rounds (lowest to highest):")
for (b, route, k), xs in sorted(ratios.items()):
    print(f"  {b:<6} {route:<7} {k}: {statistics.median(xs):.2f} ({min(xs):.2f} to {max(xs):.2f})")
served = collections.Counter()
for line in (work / "served").read_text().splitlines():
    name, n = line.split()
    served[name.rsplit("-", 1)[0]] += int(n)
for b in bins:
    log = (work / f"{b}-info.log").read_text(errors="replace")
    lines = sum(1 for l in log.splitlines() if "finished processing request" in l)
    print(f"{b} at info: {lines:,} access-log lines for {served[b + '-info']:,} requests served")
PY
}
