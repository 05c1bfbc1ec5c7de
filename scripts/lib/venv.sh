# The project's Python venv (.venv, gitignored) with the tools in scripts/requirements.txt.
# venv_ensure -> creates/updates it and puts its bin/ first on PATH.
# shellcheck shell=bash

venv_ensure() {
  local venv="$ROOT/.venv" req="$ROOT/scripts/requirements.txt" stamp
  if [ ! -x "$venv/bin/python" ]; then
    say "creating Python venv in .venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (install python3-venv)"
  fi
  stamp="$venv/.requirements.sha256"
  if [ ! -f "$stamp" ] || ! sha256sum -c --status "$stamp" 2>/dev/null; then
    say "installing Python tools from scripts/requirements.txt"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" \
      || die "pip install -r scripts/requirements.txt failed"
    sha256sum "$req" >"$stamp"
  fi
  PATH="$venv/bin:$PATH"
  export PATH VIRTUAL_ENV="$venv"
}
