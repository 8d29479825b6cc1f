#!/usr/bin/env bash
# nginx on loopback as the public edge in front of Rasa replicas (deploy/nginx-rasa.conf.template):
# TLS only, only the public routes, per-address limits, sticky by sender id.
#
#   scripts/services/balancer.sh start PORT DIR HOST:PORT [HOST:PORT ...]
#       prints URL=https://127.0.0.1:PORT, CERT=<the certificate to trust>, and the limits
#       (RATE=, BURST=, CONN=, MAX_BODY=), plus INTERNAL_URL= when BALANCER_INTERNAL_PORT is set
#   scripts/services/balancer.sh stop DIR
#
# Uses Debian's nginx and openssl (scripts/system-packages.sh). Config, pid, log and a generated
# certificate live in DIR. Environment (defaults in the template's comment):
#   BALANCER_CERT / BALANCER_KEY   PEM certificate and key; unset: a self-signed certificate for
#                                  127.0.0.1 and localhost is made in DIR (kept for later starts)
#   BALANCER_RATE (5r/s), BALANCER_BURST (30), BALANCER_CONN (20), BALANCER_MAX_BODY (128k),
#   BALANCER_CLIENT_TIMEOUT (10s)  the edge's limits
#   BALANCER_TELEGRAM="HOST:PORT ..."  the Telegram front end(s), at BALANCER_TELEGRAM_PATH (/telegram)
#   BALANCER_INTERNAL_PORT         also listen on 127.0.0.1:PORT, plain HTTP, every route (internal)
#   BALANCER_SHOW_UPSTREAM=1       adds a response header X-Upstream naming the replica that answered
#                                  (the tests use it to see stickiness and fail-over; not for production)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"

die() { echo "error: $*" >&2; exit 1; }
[ -x "$NGINX" ] || die "nginx not found; run scripts/system-packages.sh"

# A self-signed certificate for 127.0.0.1 and localhost (1 year), unless DIR has one already.
self_signed() {
  local dir="$1"
  [ -s "$dir/edge.crt" ] && [ -s "$dir/edge.key" ] && return 0
  command -v openssl >/dev/null 2>&1 || die "openssl not found; run scripts/system-packages.sh or set BALANCER_CERT/BALANCER_KEY"
  (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 \
    -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -keyout "$dir/edge.key" -out "$dir/edge.crt" 2>"$dir/openssl.log") \
    || { cat "$dir/openssl.log" >&2; die "openssl could not make a certificate"; }
}

start() {
  local port="${1:?usage: balancer.sh start PORT DIR HOST:PORT...}" dir="${2:?}"
  shift 2
  [ $# -ge 1 ] || die "at least one Rasa replica HOST:PORT is needed"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"

  local cert="${BALANCER_CERT:-}" key="${BALANCER_KEY:-}"
  if [ -z "$cert$key" ]; then
    self_signed "$dir"
    cert="$dir/edge.crt" key="$dir/edge.key"
  fi
  [ -n "$cert" ] && [ -n "$key" ] || die "set both BALANCER_CERT and BALANCER_KEY, or neither"
  [ -r "$cert" ] && [ -r "$key" ] || die "cannot read $cert or $key"
  cert="$(cd "$(dirname "$cert")" && pwd)/$(basename "$cert")"
  key="$(cd "$(dirname "$key")" && pwd)/$(basename "$key")"

  local rate="${BALANCER_RATE:-5r/s}" burst="${BALANCER_BURST:-30}" conn="${BALANCER_CONN:-20}"
  local max_body="${BALANCER_MAX_BODY:-128k}" client_timeout="${BALANCER_CLIENT_TIMEOUT:-10s}"
  [[ "$rate" =~ ^[0-9]+r/[sm]$ ]] || die "BALANCER_RATE must look like 5r/s or 300r/m"
  [[ "$burst$conn" =~ ^[0-9]+$ ]] || die "BALANCER_BURST and BALANCER_CONN must be numbers"
  [[ "$max_body" =~ ^[0-9]+[kKmM]?$ ]] || die "BALANCER_MAX_BODY must look like 128k"
  [[ "$client_timeout" =~ ^[0-9]+(ms|s|m)?$ ]] || die "BALANCER_CLIENT_TIMEOUT must look like 10s"

  local servers="" replica
  for replica in "$@"; do
    servers+="    server $replica max_fails=1 fail_timeout=10s;"$'\n'
  done

  # Optional blocks: keep their lines (without the marker) or drop them.
  local blocks=() telegram="" frontend
  if [ -n "${BALANCER_TELEGRAM:-}" ]; then
    for frontend in $BALANCER_TELEGRAM; do telegram+="    server $frontend;"$'\n'; done
    blocks+=(-e 's/^#telegram# //')
  else
    blocks+=(-e '/^#telegram# /d')
  fi
  local telegram_path="${BALANCER_TELEGRAM_PATH:-/telegram}"
  [[ "$telegram_path" =~ ^/[A-Za-z0-9._~/-]*$ ]] || die "BALANCER_TELEGRAM_PATH must be a plain path like /telegram"
  local internal_port="${BALANCER_INTERNAL_PORT:-}"
  if [ -n "$internal_port" ]; then
    blocks+=(-e 's/^#internal# //')
  else
    blocks+=(-e '/^#internal# /d')
  fi

  local extra=""
  [ "${BALANCER_SHOW_UPSTREAM:-0}" = 1 ] && extra='    add_header X-Upstream $upstream_addr always;'
  local text
  text="$(sed "${blocks[@]}" "$ROOT/deploy/nginx-rasa.conf.template")"
  text="${text//@LISTEN@/127.0.0.1:$port}"
  text="${text//@INTERNAL_LISTEN@/127.0.0.1:$internal_port}"
  text="${text//@PREFIX@/$dir}"
  text="${text//@CERT@/$cert}"
  text="${text//@KEY@/$key}"
  text="${text//@RATE@/$rate}"
  text="${text//@BURST@/$burst}"
  text="${text//@CONN@/$conn}"
  text="${text//@MAX_BODY@/$max_body}"
  text="${text//@CLIENT_TIMEOUT@/$client_timeout}"
  text="${text//@UPSTREAM_SERVERS@/${servers%$'\n'}}"
  text="${text//@TELEGRAM_UPSTREAM@/${telegram%$'\n'}}"
  text="${text//@TELEGRAM_PATH@/$telegram_path}"
  if [ -n "$extra" ]; then
    text="${text//@EXTRA@/$extra}"
  else
    text="${text//@EXTRA@$'\n'/}"
  fi
  printf '%s\n' "$text" >"$dir/nginx.conf"
  "$NGINX" -t -q -p "$dir" -c "$dir/nginx.conf" 2>"$dir/check.log" || { cat "$dir/check.log" >&2; die "bad nginx config"; }
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" 2>>"$dir/error.log" || { tail -n 20 "$dir/error.log" >&2; die "nginx did not start"; }
  echo "URL=https://127.0.0.1:$port"
  echo "CERT=$cert"
  echo "RATE=$rate"
  echo "BURST=$burst"
  echo "CONN=$conn"
  echo "MAX_BODY=$max_body"
  [ -z "$internal_port" ] || echo "INTERNAL_URL=http://127.0.0.1:$internal_port"
}

stop() {
  local dir="${1:?usage: balancer.sh stop DIR}"
  [ -f "$dir/nginx.pid" ] || return 0
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -s stop 2>/dev/null || kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
  for _ in $(seq 1 50); do [ -f "$dir/nginx.pid" ] || return 0; sleep 0.1; done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: balancer.sh start PORT DIR HOST:PORT... | stop DIR" ;;
esac
