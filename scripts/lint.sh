#!/usr/bin/env bash
# The gates before the tests: ruff (lint and format check) over the whole tree, mypy over the
# runtime packages (valkommen/, actions/) with the project's own venv as the Python to check
# against. The tools live in .venv-tools: their dependencies do not fit Rasa 3.6's pins.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
TOOLS="${TOOLS_VENV:-$ROOT/.venv-tools}"
tools="ruff==0.17.5 mypy==1.18.2"
stubs="types-PyYAML types-requests"
want="$tools; stubs in $TOOLS/stubs: $stubs"
if [ "$(cat "$TOOLS/.lint-tools" 2>/dev/null)" != "$want" ]; then
  echo "==> installing ruff, mypy and type stubs into $TOOLS"
  [ -x "$TOOLS/bin/python" ] || python3 -m venv "$TOOLS"
  # shellcheck disable=SC2086
  "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check $tools 2>&1 | grep -v "is ignored" || true
  # The stub packages get a directory of their own: mypy checks against the project's venv
  # (--python-executable) and looks for stub packages only on that interpreter's path, not in
  # this venv. PYTHONPATH below adds this directory (and nothing else of the tools venv).
  rm -rf "$TOOLS/stubs"
  # shellcheck disable=SC2086
  "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --target "$TOOLS/stubs" $stubs 2>&1 | grep -v "is ignored" || true
  echo "$want" > "$TOOLS/.lint-tools"
fi
echo "==> ruff check"
"$TOOLS/bin/ruff" check --quiet .
echo "==> ruff format --check"
"$TOOLS/bin/ruff" format --check --quiet .
echo "==> mypy valkommen actions"
PYTHONPATH="$TOOLS/stubs${PYTHONPATH:+:$PYTHONPATH}" "$TOOLS/bin/mypy" --python-executable "$VENV/bin/python" --no-error-summary
echo "==> lint passed"
