#!/usr/bin/env bash
# A throw-away Redis server on loopback for Rasa's lock store (tests, local scale-out).
#
#   scripts/services/redis.sh start PORT DIR    prints URL=redis://127.0.0.1:PORT
#   scripts/services/redis.sh stop DIR
#
# Uses Debian's redis-server (scripts/system-packages.sh); nothing is written to disk
# except the log and pid file in DIR.
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }
command -v redis-server >/dev/null || die "redis-server not found; run scripts/system-packages.sh"

start() {
  local port="${1:?usage: redis.sh start PORT DIR}" dir="${2:?usage: redis.sh start PORT DIR}"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly no \
    || die "redis-server did not start"
  for _ in $(seq 1 100); do
    if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
      echo "$port" >"$dir/redis.port"
      echo "URL=redis://127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/redis.log" >&2
  die "Redis did not answer on 127.0.0.1:$port"
}

stop() {
  local dir="${1:?usage: redis.sh stop DIR}"
  [ -f "$dir/redis.port" ] || return 0
  redis-cli -h 127.0.0.1 -p "$(cat "$dir/redis.port")" shutdown nosave >/dev/null 2>&1 || true
  rm -f "$dir/redis.port"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: redis.sh start PORT DIR | stop DIR" ;;
esac
