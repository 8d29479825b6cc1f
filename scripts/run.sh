#!/usr/bin/env bash
# Starts the action server and the Rasa server (REST channel, HTTP API) on localhost,
# and stops both on Ctrl-C. Expects scripts/setup.sh and scripts/train.sh to have run.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$VENV/bin/python" -m valkommen.server.action_server --actions actions --port "$ACTION_PORT" &
pids+=($!)
read -ra web_origins <<< "${WEB_ORIGINS//,/ }"
# Binds to $BIND_HOST (loopback by default); every route but the REST webhook needs $RASA_TOKEN.
"$VENV/bin/python" -m valkommen.server.rasa_server run --model "$MODEL_PATH" --enable-api --port "$RASA_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml --cors "${web_origins[@]}" &
pids+=($!)
"$VENV/bin/python" -m valkommen.channels.web.serve --host "$BIND_HOST" --port "$WEB_PORT" --rasa-url "http://localhost:$RASA_PORT" &
pids+=($!)

"$VENV/bin/python" -m valkommen.server.wait_ready "http://localhost:$RASA_PORT" "http://localhost:$ACTION_PORT" --timeout 300
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then  # the Telegram front end (valkommen/channels/telegram), only with a token
  RASA_URL="${RASA_URL:-http://localhost:$RASA_PORT}" "$VENV/bin/python" -m valkommen.channels.telegram.app &
  pids+=($!)
fi
cat <<MSG

  Välkommen is running on $BIND_HOST (this machine only unless BIND_HOST is set).
  REST channel: curl -XPOST localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"a","message":"Hej"}'
  Parse:        curl -XPOST localhost:$RASA_PORT/model/parse -H "Authorization: Bearer \$(cat var/rasa.token)" -d '{"text":"Hej"}'
  Web widget:   http://localhost:$WEB_PORT/ (demo meeting-place pages, e.g. http://localhost:$WEB_PORT/norrby.html)
  Terminal chat in another shell: make chat
  Stop: Ctrl-C

MSG
wait -n "${pids[@]}"
