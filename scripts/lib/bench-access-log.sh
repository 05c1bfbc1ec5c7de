# The access log's cost, for scripts/bench-api (sourced after its servers are up: $BIN, $BARE_PORT,
# $BASE's database and tokens, $WORK, $THREADS, $DURATION, $ROUNDS, LOG_PIDS).
#
# journal-api with its default logging (RUST_LOG=info: one text access-log line per request to
# stdout, here a file) against the same binary at RUST_LOG=warn (no access log) and the bare axum
# server, on GET /health and on the list of 20 entries, one after the other in each round, so the
# machine's load falls on all alike; only same-round ratios are compared. With BENCH_BASELINE_BIN
# (an older journal-api, say the commit before a logging change) its two servers run in the same
# rounds, so before and after come from one run. Then each info server's lines against what it
# served: a log that lost lines would look cheap.
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
  local round route path script bare b row
  for round in $(seq 1 "$ROUNDS"); do
    for route in health list; do
      say "access-log round $round/$ROUNDS: $route on bare (/health only) and ${LOG_BINS[*]} at info and warn ($DURATION each)"
      if [ $route = health ]; then path=/health script=; else path=/api/v1/entries script=scripts/bench/list.lua; fi
      bare=-
      [ $route = health ] && bare=$(log_rps bare "http://127.0.0.1:$BARE_PORT/health")
      row="$round $(cut -d' ' -f1 /proc/loadavg) $route $bare"
      for b in "${LOG_BINS[@]}"; do
        row+=" $(TOKEN=$READER log_rps "$b-info" "${LOG_URL[$b-info]}$path" "$script")"
        row+=" $(TOKEN=$READER log_rps "$b-warn" "${LOG_URL[$b-warn]}$path" "$script")"
      done
      LOG_ROWS+=("$row")
    done
  done
}

access_log_report() {
  echo
  echo "access log, req/s (wrk -t$THREADS -c$LOG_CONNECTIONS, $DURATION each, in turns; ratios within a round):"
  python3 - "$WORK" "${LOG_BINS[*]}" "${LOG_ROWS[@]}" <<'PY'
import collections, pathlib, sys
work, bins, rows = pathlib.Path(sys.argv[1]), sys.argv[2].split(), sys.argv[3:]
head = f"{'round':<6} {'load':>5} {'route':<7} {'bare':>8}"
for b in bins:
    head += f" {b + ' info':>12} {b + ' warn':>12} {'info/warn':>9} {'info/bare':>9}"
print(head)
worst = collections.defaultdict(lambda: [9.0, 9.0])
for row in rows:
    r, load, route, bare, *v = row.split()
    line = f"{r:<6} {load:>5} {route:<7} {bare:>8}"
    for i, b in enumerate(bins):
        info, warn = int(v[2 * i]), int(v[2 * i + 1])
        iw = info / warn
        ib = info / int(bare) if bare != "-" else None
        line += f" {info:>12,} {warn:>12,} {iw:>9.2f} {'-' if ib is None else format(ib, '.2f'):>9}"
        w = worst[(b, route)]
        w[0] = min(w[0], iw)
        if ib is not None:
            w[1] = min(w[1], ib)
    print(line)
for (b, route), (iw, ib) in sorted(worst.items()):
    print(f"{b}, {route}: lowest info/warn {iw:.2f}" + (f", lowest info/bare {ib:.2f}" if ib < 9 else ""))
served = collections.Counter()
for line in (work / "served").read_text().splitlines():
    name, n = line.split()
    served[name] += int(n)
for b in bins:
    log = (work / f"{b}-info.log").read_text(errors="replace")
    lines = sum(1 for l in log.splitlines() if "finished processing request" in l)
    print(f"{b} at info: {lines:,} access-log lines for {served[b + '-info']:,} requests served")
PY
}
