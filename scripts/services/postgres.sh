#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the tracker store (tests, local scale-out).
#
#   scripts/services/postgres.sh start PORT [DATA_DIR]   prints DATA_DIR=... and URL=...
#   scripts/services/postgres.sh stop DATA_DIR
#
# Uses Debian's PostgreSQL (scripts/system-packages.sh). PostgreSQL refuses to run as root:
# as root, the cluster belongs to the unprivileged user $PG_RUN_AS (default nobody) and
# DATA_DIR defaults to a fresh directory under /tmp that this user can reach.
# The cluster trusts local connections only (listen 127.0.0.1); user and database: valkommen.
set -euo pipefail

PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PG_RUN_AS="${PG_RUN_AS:-nobody}"
DB_NAME="${TRACKER_DB:-valkommen}"
DB_USER="valkommen"

die() { echo "error: $*" >&2; exit 1; }
[ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL not found (PG_BIN=$PG_BIN); run scripts/system-packages.sh"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$PG_RUN_AS" -- "$@"
  else
    "$@"
  fi
}

start() {
  local port="${1:?usage: postgres.sh start PORT [DATA_DIR]}" dir="${2:-}"
  if [ -z "$dir" ]; then
    dir="$(mktemp -d /tmp/valkommen-pg.XXXXXX)"
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$PG_RUN_AS" "$dir"
  fi
  chmod 0700 "$dir"
  cd /  # the cluster's user may not be allowed into the caller's directory
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$PG_BIN/initdb" -D "$dir/data" -U "$DB_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null \
    || { tail -n 20 "$dir/postgres.log" >&2; die "PostgreSQL did not start on 127.0.0.1:$port"; }
  if ! as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U "$DB_USER" "$DB_NAME"
  fi
  echo "DATA_DIR=$dir"
  echo "URL=postgresql://$DB_USER@127.0.0.1:$port/$DB_NAME"
}

stop() {
  local dir="${1:?usage: postgres.sh stop DATA_DIR}"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  dir="$(cd "$dir" && pwd)"
  cd /
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: postgres.sh start PORT [DATA_DIR] | stop DATA_DIR" ;;
esac
