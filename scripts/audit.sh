#!/usr/bin/env bash
# Checks the pinned dependencies (requirements.txt) for known vulnerabilities with pip-audit
# against PyPI's advisory data. pip-audit lives in its own virtual environment (.venv-tools):
# its own dependencies do not fit Rasa 3.6's pins. Decisions on findings: docs/security.md.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
TOOLS="${TOOLS_VENV:-$ROOT/.venv-tools}"
if [ ! -x "$TOOLS/bin/pip-audit" ]; then
  echo "==> installing pip-audit into $TOOLS"
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check "pip-audit==2.10.1" 2>&1 | grep -v "is ignored" || true
fi
mkdir -p results
echo "==> pip-audit: requirements.txt against PyPI's vulnerability data (results/audit.json)"
status=0
"$TOOLS/bin/pip-audit" --requirement requirements.txt --no-deps --disable-pip --vulnerability-service pypi \
  --progress-spinner off --format json --output results/audit.json 2>results/audit.log || status=$?
"$TOOLS/bin/python" - <<'PY'
import json, sys
data = json.load(open("results/audit.json"))
deps = data.get("dependencies", [])
found = [(d["name"], d["version"], v["id"], ",".join(v.get("fix_versions") or []) or "no fix")
         for d in deps for v in d.get("vulns", [])]
skipped = [d["name"] for d in deps if d.get("skip_reason")]
for name, version, vid, fix in found:
    print(f"  {name} {version}: {vid} (fixed in: {fix})")
print(f"  {len(deps)} packages, {len(found)} known vulnerabilities, {len(skipped)} not audited")
if skipped and len(skipped) == len(deps):
    print("  error: no package could be audited: PyPI's vulnerability data (its per-release JSON API) was not reachable from here.", file=sys.stderr)
    sys.exit(3)
PY
exit $status
