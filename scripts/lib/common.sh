# Shared helpers for the project's scripts. Source it; it defines functions and nothing runs.
# shellcheck shell=bash

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export ROOT

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Wait until URL answers 2xx, up to $2 seconds (default 30).
wait_http() {
  local url=$1 limit=${2:-30} i
  for ((i = 0; i < limit * 10; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  die "$url did not answer within ${limit}s"
}

# Install Debian packages when a command is missing (CI runs as root on a fresh machine).
need_cmd() {
  local cmd=$1 pkg=${2:-$1}
  command -v "$cmd" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "$cmd is missing: install the Debian package $pkg"
  say "installing $pkg (for $cmd)"
  if [ -z "${_APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; _APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
  command -v "$cmd" >/dev/null 2>&1 || die "installed $pkg but $cmd is still missing"
}
