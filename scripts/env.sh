# shellcheck shell=bash
# Embedded defaults for every setting; sourced by the other scripts.
# Values already in the environment (or in .env) win.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -f "$ROOT/.env" ]; then
  set -a; . "$ROOT/.env"; set +a
fi
export VENV="${VENV:-$ROOT/.venv}"
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://localhost:$ACTION_PORT/webhook}"
export TRACKER_DIALECT="${TRACKER_DIALECT:-sqlite}"
export TRACKER_STORE_URL="${TRACKER_STORE_URL:-sqlite:///$ROOT/var/tracker.db}"
export TRACKER_DB="${TRACKER_DB:-valkommen}"
# Scale-out only (deploy/endpoints.scaleout.yml): the Redis lock store shared by the replicas.
export REDIS_HOST="${REDIS_HOST:-localhost}"
export REDIS_PORT="${REDIS_PORT:-6379}"
export REDIS_DB="${REDIS_DB:-1}"
export REDIS_PASSWORD="${REDIS_PASSWORD:-}"
# Seconds a custom action may take (then the user gets the "unavailable" text), and seconds
# the Rasa server waits at start for its tracker/lock store before exiting with an error.
export ACTION_TIMEOUT="${ACTION_TIMEOUT:-10}"
export STORE_WAIT_SECONDS="${STORE_WAIT_SECONDS:-15}"
# Days tracker events are kept (the retention job deletes older ones); the typed defaults of every
# setting are in valkommen/core/settings.py (.env.example lists them all).
export RETENTION_DAYS="${RETENTION_DAYS:-21}"
export MODEL_PATH="${MODEL_PATH:-$ROOT/models/valkommen.tar.gz}"
# Web widget: the demo meeting-place pages' port, and the web origins (space- or comma-separated)
# whose pages may call the Rasa server from a browser (Rasa's --cors). Others get no CORS headers.
export WEB_PORT="${WEB_PORT:-8080}"
export WEB_ORIGINS="${WEB_ORIGINS:-http://localhost:$WEB_PORT}"
# Quiet TensorFlow's start-up noise and keep Rasa from phoning home.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}"
export TF_ENABLE_ONEDNN_OPTS="${TF_ENABLE_ONEDNN_OPTS:-0}"
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONDONTWRITEBYTECODE=1
mkdir -p "$ROOT/var"
# Servers listen on this interface only (loopback): set BIND_HOST=0.0.0.0 to serve other hosts,
# which the Rasa server refuses without RASA_TOKEN.
export BIND_HOST="${BIND_HOST:-127.0.0.1}"
# Secrets: from the environment. For `make run` on one machine, when unset, a random one kept in
# var/ (mode 0600) so that the project's own tools (report, forget-me, Telegram inline mode) can
# use Rasa's private routes and Rasa can call the action server.
local_secret() {
  local file="$ROOT/var/$1"
  if [ ! -s "$file" ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file")
  fi
  cat "$file"
}
export RASA_TOKEN="${RASA_TOKEN:-$(local_secret rasa.token)}"
export ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-$(local_secret action-server.token)}"
