#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: its own data directory, a free port on 127.0.0.1,
# a socket in the same directory, nothing durable. It never touches a cluster already on the machine.
#
#   dir=$(mktemp -d)
#   url=$(.ci/postgres.sh start "$dir")   # initdb into DIR, start, create role + database; print the URL
#   .ci/postgres.sh stop "$dir"           # stop the server started in DIR and remove DIR
#
# DIR must be a directory the postgres user can reach (as root it is handed to that user), such as a
# fresh `mktemp -d`.
#
# Installs the Debian `postgresql` package when no server binaries are found. initdb and postgres
# refuse to run as root, so as root they run as the `postgres` user the package creates.
set -euo pipefail

action=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}

find_bindir() {
  local candidate
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    pg_config --bindir
    return
  fi
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x $candidate/initdb && -x $candidate/pg_ctl ]]; then
      echo "$candidate"
      return
    fi
  done
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    # From /, which the postgres user can enter (the clone's directory may not be readable to it).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

start() {
  local bindir
  bindir=$(find_bindir)
  if [[ -z $bindir ]]; then
    echo "postgres.sh: installing postgresql" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bindir=$(find_bindir)
  fi
  [[ -n $bindir ]] || { echo "postgres.sh: no PostgreSQL server binaries found" >&2; exit 1; }

  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
  fi
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log"
  # Durability buys nothing for a test database; skipping it keeps per-test schema resets fast.
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  local psql=("$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
  # CREATEDB: the suite copies a database per test from migrated templates (tests/databases.py).
  as_owner "${psql[@]}" -c "CREATE ROLE repofolio LOGIN CREATEDB PASSWORD 'repofolio'" >/dev/null
  as_owner "${psql[@]}" -c "CREATE DATABASE repofolio_test OWNER repofolio" >/dev/null
  echo "postgresql+asyncpg://repofolio:repofolio@127.0.0.1:$port/repofolio_test"
}

stop() {
  [[ -d $dir/data ]] || return 0
  local bindir
  bindir=$(find_bindir)
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case $action in
  start) start ;;
  stop) stop ;;
  *) echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
