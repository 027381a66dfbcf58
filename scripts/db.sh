#!/usr/bin/env bash
# The embedded PostgreSQL cluster: a private server in .paisa/pg of the checkout, listening on 127.0.0.1 and a
# unix socket in that folder only. Run as root, the server runs as the `postgres` user (PostgreSQL refuses root).
#
#   scripts/db.sh up            create (first time) and start the cluster
#   scripts/db.sh url NAME      create database NAME if missing and print its URL
#   scripts/db.sh stop [MODE]   stop the cluster (MODE: fast, the default, or immediate: a crash, for fault tests)
#   scripts/db.sh clean         stop it and delete its files
#   scripts/db.sh psql NAME     a psql shell on database NAME
#
# Settings: PAISA_PG_PORT (default 54329).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE="$ROOT/.paisa"
LINK="$STATE/pg"
PORT="${PAISA_PG_PORT:-54329}"

say() { echo "db: $*" >&2; }
die() { echo "db: $*" >&2; exit 1; }

# Install the server with apt-get only when its binaries are missing.
ensure_binaries() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    return
  fi
  say "PostgreSQL server binaries not found; installing postgresql and libpq-dev with apt-get"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql libpq-dev >&2
  command -v pg_config >/dev/null 2>&1 || die "apt-get did not provide pg_config; install libpq-dev by hand"
}

# Run a server program as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Where the cluster lives: .paisa/pg itself, or (when the `postgres` user cannot reach into the checkout, say
# under a private home folder) a folder under /var/tmp that .paisa/pg links to.
cluster_dir() {
  if [ -L "$LINK" ]; then readlink "$LINK"; return; fi
  if [ -d "$LINK" ]; then echo "$LINK"; return; fi
  mkdir -p "$STATE"
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 ||
      useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
    if ! runuser -u postgres -- test -x "$STATE"; then
      local elsewhere
      elsewhere="/var/tmp/paisa-pg-$(echo -n "$ROOT" | sha256sum | cut -c1-12)"
      say "the postgres user cannot enter $STATE; keeping the cluster in $elsewhere"
      mkdir -p "$elsewhere"
      ln -s "$elsewhere" "$LINK"
      echo "$elsewhere"
      return
    fi
  fi
  mkdir -p "$LINK"
  echo "$LINK"
}

bindir() { pg_config --bindir; }

running() {
  local dir="$1"
  [ -f "$dir/data/postmaster.pid" ] && as_owner "$(bindir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

cmd_up() {
  ensure_binaries
  local dir
  dir=$(cluster_dir)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    say "creating the cluster in $dir/data"
    as_owner mkdir -p "$dir/data"
    as_owner chmod 700 "$dir/data"
    as_owner "$(bindir)/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # Room for the tests, the benchmark and a few servers; durability settings stay at their safe defaults.
    as_owner sh -c "printf 'max_connections = 300\n' >> '$dir/data/postgresql.conf'"
  fi
  if running "$dir"; then
    return
  fi
  if "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
    die "port $PORT is taken by another server; set PAISA_PG_PORT to a free port"
  fi
  say "starting PostgreSQL on 127.0.0.1:$PORT"
  # pg_stat_statements is loaded so that `make bench` can count the statements of a charge (and an operator can
  # look at the same figures); it costs little, and nothing else depends on it.
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$dir -c shared_preload_libraries=pg_stat_statements" \
    start >/dev/null
}

cmd_url() {
  local name="${1:?database name}"
  cmd_up
  local dir
  dir=$(cluster_dir)
  if ! "$(bindir)/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    "$(bindir)/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$name" 2>/dev/null || true
  fi
  echo "postgres://postgres@127.0.0.1:$PORT/$name"
}

cmd_stop() {
  local mode="${1:-fast}"
  case "$mode" in fast | immediate) ;; *) die "stop takes fast or immediate, not $mode" ;; esac
  [ -e "$LINK" ] || return 0
  local dir
  dir=$(cluster_dir)
  if running "$dir"; then
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m "$mode" -w stop >/dev/null
    say "stopped"
  fi
}

cmd_clean() {
  cmd_stop
  if [ -L "$LINK" ]; then rm -rf "$(readlink "$LINK")"; fi
  rm -rf "$LINK"
  say "removed the cluster"
}

cmd_psql() {
  exec "$(bindir)/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d "${1:-paisa}"
}

case "${1:-}" in
  up) cmd_up ;;
  url) shift; cmd_url "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  clean) cmd_clean ;;
  psql) shift; cmd_psql "$@" ;;
  *) die "usage: scripts/db.sh up|url NAME|stop [fast|immediate]|clean|psql [NAME]" ;;
esac
