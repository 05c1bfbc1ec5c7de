# shellcheck shell=bash
# Sourced by scripts/bench-loadgen (SCENARIO_AB=1): loadgen's CPU per request playing journal-api's
# journeys as data (the embedded journal scenario, `loadgen run`'s default) against the hard-coded
# journeys it replaced, same machine, same server, alternately. Uses the caller's ROOT, WORK, URL,
# LOADGEN, SCENARIO_RATE, STEP_S, JOURNEYS_COMMIT, JOURNEYS_LOADGEN and say/die.

# The loadgen of $JOURNEYS_COMMIT (hard-coded journeys), built in release into $WORK; or
# $JOURNEYS_LOADGEN when given.
journeys_old_loadgen() {
  if [ -n "${JOURNEYS_LOADGEN:-}" ]; then
    [ -x "$JOURNEYS_LOADGEN" ] || die "JOURNEYS_LOADGEN=$JOURNEYS_LOADGEN is not an executable loadgen"
    echo "$JOURNEYS_LOADGEN"
    return
  fi
  local src=$WORK/journeys-src
  say "building loadgen at $JOURNEYS_COMMIT (hard-coded journeys) in $src (release, its own target folder)"
  mkdir -p "$src"
  git -C "$ROOT" archive "$JOURNEYS_COMMIT" | tar -x -C "$src"
  # Its own target folder, removed with $WORK: the current build's stays as it was.
  CARGO_TARGET_DIR=$src/target cargo build --release --quiet -p loadgen --manifest-path "$src/Cargo.toml" >&2
  echo "$src/target/release/loadgen"
}

# One journal run with BIN, NAME for its outputs; prints "sent dropped failures cpu_us_per_request
# login_share entries_share".
journeys_step() {
  local bin=$1 out=$WORK/journeys-$2
  # 30x compression: a session's 20 s think time is 0.67 s of wall, so sessions come back within
  # the step and the traffic has the default mix's logins, reads and writes.
  /usr/bin/time -f "%U %S %e" -o "$out.cpu" "$bin" run --host "$URL" --profile steady \
    --duration "$((STEP_S * 30))s" --compress 30 \
    --rate-scale "$(python3 -c "print($SCENARIO_RATE / 30 / 10)")" \
    --accounts 20 --quiet --out "$out" >/dev/null
  python3 - "$out/summary.json" "$out.cpu" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
u, st, _ = map(float, open(sys.argv[2]).read().split()[-3:])
a = s["arrivals"]
sent = max(a["sent"], 1)
share = lambda route: sum(e["share"] for e in s["endpoints"] if e["route"] == route)
print(a["sent"], a["dropped"], s["totals"]["failures"], round((u + st) / sent * 1e6, 1),
      round(share("/api/v1/auth/login") * 100, 1), round(share("/api/v1/entries") * 100, 1))
PY
  rm -rf "$out"
}

journeys_ab() {
  local old new_sum=0 old_sum=0 r
  old=$(journeys_old_loadgen)
  say "journal journeys: scenario (now) against hard-coded ($JOURNEYS_COMMIT), alternately, $SCENARIO_RATE req/s, ${STEP_S}s each"
  for i in 1 2 3; do
    for side in hardcoded scenario; do
      local bin=$LOADGEN
      [ "$side" = hardcoded ] && bin=$old
      r=$(journeys_step "$bin" "$side$i")
      # shellcheck disable=SC2086 # the figures, split on purpose
      printf 'journeys %-9s %s: sent %s dropped %s failed %s, %s us CPU/request, login share %s%%, /entries share %s%%\n' \
        "$side" "$i" $r
      local us
      us=$(cut -d' ' -f4 <<<"$r")
      if [ "$side" = hardcoded ]; then old_sum=$(python3 -c "print($old_sum + $us)"); else new_sum=$(python3 -c "print($new_sum + $us)"); fi
    done
  done
  python3 -c "
o, n = $old_sum / 3, $new_sum / 3
r = n / o if o else float('nan')
print(f'journeys: loadgen CPU per request, mean of 3: hard-coded {o:.1f} us, scenario {n:.1f} us, ratio {r:.3f} (issue #24 target: at most 1.10): ' + ('met' if r <= 1.10 else 'MISSED'))"
}
