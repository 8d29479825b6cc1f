#!/usr/bin/env bash
# Trains the model when the training data, config, domain or custom NLU code changed
# since the last model (or when there is none). `scripts/train.sh --force` always trains;
# `scripts/train.sh --check` only says whether the model is up to date (exit status 0/1).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

fingerprint() {
  # The safety phrases (valkommen/core/*_terms.yml) are read at run time: changing them needs no retraining.
  find config.yml domain.yml languages.yml nlu_data data valkommen/nlu valkommen/core/places.py valkommen/core/geo.py valkommen/core/languages.py valkommen/core/text.py requirements.txt -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) \
    ! -name emergency_terms.yml \
    -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

stamp="$MODEL_PATH.sha256"
want=$(fingerprint)
if [ "${1:-}" = "--check" ]; then  # exit 0 when the model is up to date, 1 (with the reason) when not
  [ -f "$MODEL_PATH" ] || { echo "no trained model at $MODEL_PATH: run make train" >&2; exit 1; }
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] || { echo "the model at $MODEL_PATH is stale (training data, config or NLU code changed since it was trained): run make train" >&2; exit 1; }
  exit 0
fi
if [ "${1:-}" != "--force" ] && [ -f "$MODEL_PATH" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "==> model is up to date: $MODEL_PATH"
  exit 0
fi
echo "==> training the model (data or config changed)"
start=$(date +%s)
# Rasa and its libraries print pages of warnings about things this project has decided (no
# EntitySynonymMapper; deprecations in TensorFlow, click, pkg_resources). They go to var/train.log;
# the terminal gets them only when training fails (its last 40 lines) or with VERBOSE=1.
# Data problems are what `make validate` is for.
mkdir -p "$ROOT/var"
log="$ROOT/var/train.log"
train=("$VENV/bin/rasa" train --config config.yml --domain domain.yml --data nlu_data
  --out "$(dirname "$MODEL_PATH")" --fixed-model-name "$(basename "$MODEL_PATH" .tar.gz)" --quiet)
if [ "${VERBOSE:-0}" = "1" ]; then
  "${train[@]}"
elif ! "${train[@]}" > "$log" 2>&1; then
  echo "error: training failed; the end of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
echo "$want" > "$stamp"
echo "==> trained in $(( $(date +%s) - start )) s: $MODEL_PATH"
