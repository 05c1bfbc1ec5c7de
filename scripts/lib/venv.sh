# Project-local Python venvs (under .venv/, gitignored), one per tool set so that the pins of one
# set (say aws-sam-cli's) never fight another's (schemathesis's).
# venv_ensure NAME -> .venv/NAME with the pins of scripts/requirements/NAME.txt, its bin/ first on PATH.
# shellcheck shell=bash

venv_ensure() {
  local name=$1 venv="$ROOT/.venv/$1" req="$ROOT/scripts/requirements/$1.txt" stamp
  [ -f "$req" ] || die "no such tool set: $req"
  if [ ! -x "$venv/bin/python" ]; then
    say "creating Python venv .venv/$name"
    mkdir -p "$ROOT/.venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (install python3-venv)"
  fi
  stamp="$venv/.requirements.sha256"
  if [ ! -f "$stamp" ] || ! sha256sum -c --status "$stamp" 2>/dev/null; then
    say "installing Python tools from scripts/requirements/$name.txt"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" \
      || die "pip install -r scripts/requirements/$name.txt failed"
    sha256sum "$req" >"$stamp"
  fi
  PATH="$venv/bin:$PATH"
  export PATH
}
