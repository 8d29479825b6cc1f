#!/usr/bin/env bash
# nginx on loopback in front of Rasa replicas, sticky by sender id (deploy/nginx-rasa.conf.template).
#
#   scripts/services/balancer.sh start PORT DIR HOST:PORT [HOST:PORT ...]   prints URL=http://127.0.0.1:PORT
#   scripts/services/balancer.sh stop DIR
#
# Uses Debian's nginx (scripts/system-packages.sh). Config, pid and log live in DIR.
# BALANCER_SHOW_UPSTREAM=1 adds a response header X-Upstream naming the replica that answered
# (the tests use it to see stickiness and fail-over; not for production).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"

die() { echo "error: $*" >&2; exit 1; }
[ -x "$NGINX" ] || die "nginx not found; run scripts/system-packages.sh"

start() {
  local port="${1:?usage: balancer.sh start PORT DIR HOST:PORT...}" dir="${2:?}"
  shift 2
  [ $# -ge 1 ] || die "at least one Rasa replica HOST:PORT is needed"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local servers="" replica
  for replica in "$@"; do
    servers+="    server $replica max_fails=1 fail_timeout=10s;"$'\n'
  done
  local extra=""
  [ "${BALANCER_SHOW_UPSTREAM:-0}" = 1 ] && extra='      add_header X-Upstream $upstream_addr always;'
  local text
  text="$(cat "$ROOT/deploy/nginx-rasa.conf.template")"
  text="${text//@LISTEN@/127.0.0.1:$port}"
  text="${text//@PREFIX@/$dir}"
  text="${text//@UPSTREAM_SERVERS@/${servers%$'\n'}}"
  if [ -n "$extra" ]; then
    text="${text//@EXTRA@/$extra}"
  else
    text="${text//@EXTRA@$'\n'/}"
  fi
  printf '%s\n' "$text" >"$dir/nginx.conf"
  "$NGINX" -t -q -p "$dir" -c "$dir/nginx.conf" 2>"$dir/check.log" || { cat "$dir/check.log" >&2; die "bad nginx config"; }
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" 2>>"$dir/error.log" || { tail -n 20 "$dir/error.log" >&2; die "nginx did not start"; }
  echo "URL=http://127.0.0.1:$port"
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
