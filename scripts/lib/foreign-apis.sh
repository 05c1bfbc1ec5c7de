# APIs this project did not write, from the registries, for scripts/test.d/66-foreign-apis.sh:
# json-server (npm, pinned by scripts/requirements/json-server/package-lock.json) and httpbin under
# gunicorn (PyPI, scripts/requirements/httpbin.txt). Each start function runs the server on
# 127.0.0.1, records its process id in SERVER_PIDS (foreign_stop ends exactly those) and sets
# SERVER_PID to the process loadgen's --server-pid should watch.
# shellcheck shell=bash

SERVER_PIDS=()

# json_server_ensure: json-server under .tools/ (gitignored), one directory per lock file, so a
# changed pin installs afresh and an unchanged one installs once. Sets JSON_SERVER_JS.
json_server_ensure() {
  local req=$ROOT/scripts/requirements/json-server dir
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "node or npm is missing: install the Debian packages nodejs and npm (json-server comes from the npm registry)"
  fi
  dir=$ROOT/.tools/json-server-$(cat "$req/package.json" "$req/package-lock.json" | sha256sum | cut -c1-12)
  JSON_SERVER_JS=$dir/node_modules/json-server/lib/cli/bin.js
  [ -f "$JSON_SERVER_JS" ] && return 0
  say "installing json-server into ${dir#"$ROOT"/} (npm ci, no install scripts)"
  mkdir -p "$dir"
  cp "$req/package.json" "$req/package-lock.json" "$dir/"
  # --ignore-scripts: nothing json-server needs runs at install time, and nothing else should.
  (cd "$dir" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) \
    || die "npm ci of scripts/requirements/json-server failed (is the npm registry reachable?)"
  [ -f "$JSON_SERVER_JS" ] || die "npm ci ran but $JSON_SERVER_JS is missing"
}

# json_server_start PORT DB LOG: node itself (no npx, no shell in between), so its PID is the server.
json_server_start() {
  node "$JSON_SERVER_JS" --quiet --host 127.0.0.1 --port "$1" "$2" >"$3" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
}

# httpbin_start PORT LOG: gunicorn's master and two sync workers. --server-pid takes the master:
# loadgen adds every descendant's CPU, so the workers are counted. No control socket: gunicorn
# would otherwise put one in $HOME, shared by every run on the machine.
httpbin_start() {
  gunicorn --bind "127.0.0.1:$1" --workers 2 --no-control-socket --access-logfile - httpbin:app >"$2" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
}

# foreign_stop: TERM to each server this script started (gunicorn's master takes its workers
# down), then KILL to any still there after 10 s.
foreign_stop() {
  local pid i
  [ ${#SERVER_PIDS[@]} -gt 0 ] || return 0
  for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 100; i++)); do
    local alive=
    for pid in "${SERVER_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -n "$alive" ] || break
    sleep 0.1
  done
  for pid in "${SERVER_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}
