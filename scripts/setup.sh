#!/usr/bin/env bash
# Creates the virtual environment with a Python 3.10 and installs the pinned
# dependencies (requirements.txt). Idempotent: does nothing when up to date.
set -euo pipefail
. "$(dirname "$0")/env.sh"

find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" "$(command -v python3.10 || true)" \
      "$(command -v pyenv >/dev/null 2>&1 && ls -d "$(pyenv root)"/versions/3.10.*/bin/python 2>/dev/null | sort -V | tail -n1 || true)" \
      $(ls -d "$HOME"/.pyenv/versions/3.10.*/bin/python 2>/dev/null | sort -V) \
      /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  if ! PY=$(find_python310); then
    echo "error: Välkommen needs Python 3.10 (rasa 3.6 runs on Python 3.8-3.10 only) and none was found." >&2
    echo "       Install one (pyenv install 3.10, or your system's python3.10 package)" >&2
    echo "       or point PYTHON310 at it: PYTHON310=/path/to/python3.10 make test" >&2
    exit 1
  fi
  echo "==> creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi

stamp="$VENV/.requirements.sha256"
want=$(cat "$ROOT/requirements.txt" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing pinned dependencies"
  # pip's own notices about local index folders this machine's pip configuration names but
  # does not have are noise for a newcomer: they are dropped; real errors still stop the script.
  quiet_pip() { "$VENV/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
  quiet_pip install --quiet --disable-pip-version-check "pip==24.0"
  quiet_pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.txt"
  quiet_pip check
  echo "$want" > "$stamp"
fi
