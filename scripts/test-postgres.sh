#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the tests and writes its URL to DIR/url.
#
#   scripts/test-postgres.sh start DIR   # idempotent: a cluster already running in DIR is reused
#   scripts/test-postgres.sh stop DIR    # fine when nothing runs
#
# With KNOOPPUNT_TEST_POSTGRES set, that server is used: its URL goes to DIR/url, nothing starts.
# As root (CI), the server runs as the `postgres` system user, since initdb refuses to run as root;
# when that user cannot write DIR (root-owned build trees), the cluster lives under /tmp instead.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

die() { echo "test-postgres: $*" >&2; exit 1; }

if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (apt-get install postgresql)"
  # Runs from / so the server never complains about a working directory it cannot enter.
  as_server() { (cd / && runuser -u postgres -- "$@"); }
else
  as_server() { "$@"; }
fi

# Where the cluster lives: DIR itself, or a directory under /tmp recorded in DIR/base.
cluster_base() {
  if [[ -f $dir/base && -d $(cat "$dir/base") ]]; then
    cat "$dir/base"
    return
  fi
  local base=$dir
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir" 2>/dev/null || true
    if ! runuser -u postgres -- test -w "$dir" -a -x "$dir" 2>/dev/null; then
      base=$(mktemp -d /tmp/knooppunt-test-postgres.XXXXXX)
      chown postgres: "$base"
    fi
  fi
  echo "$base" >"$dir/base"
  echo "$base"
}

find_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n $bin && -x $bin/initdb ]] || die "no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql)"
  echo "$bin"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

write_url() {
  echo "postgresql://postgres@127.0.0.1:$1/postgres" >"$dir/url.tmp"
  mv "$dir/url.tmp" "$dir/url"
}

running() { [[ -d $2 ]] && as_server "$1/pg_ctl" status -D "$2" >/dev/null 2>&1; }

start() {
  if [[ -n ${KNOOPPUNT_TEST_POSTGRES:-} ]]; then
    echo "$KNOOPPUNT_TEST_POSTGRES" >"$dir/url"
    echo "test-postgres: using KNOOPPUNT_TEST_POSTGRES"
    return
  fi
  local bin base data
  bin=$(find_bin)
  base=$(cluster_base)
  data=$base/data

  if running "$bin" "$data" && [[ -f $dir/port ]]; then
    write_url "$(cat "$dir/port")"
    echo "test-postgres: already running on port $(cat "$dir/port")"
    return
  fi

  if [[ ! -f $data/PG_VERSION ]]; then
    rm -rf "$data"
    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then locale=C.UTF-8; fi
    as_server "$bin/initdb" -D "$data" --auth=trust -U postgres --encoding=UTF8 --locale="$locale" --no-sync \
      >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; die "initdb failed"; }
    # Tests connect over TCP; the socket is a convenience for psql, skipped when its path would
    # exceed the 107-byte limit of Unix socket names (deep build directories).
    local socket_dir=$base
    if (( ${#base} > 90 )); then socket_dir=; fi
    # Speed over durability: the cluster is thrown away.
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$socket_dir'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 200
shared_buffers = 32MB
EOF
  fi

  # Another process may take the port between choosing and binding it: try a few.
  local port attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_server "$bin/pg_ctl" start -D "$data" -l "$base/server.log" -w -t 60 -o "-p $port" >/dev/null; then
      if as_server "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30; then
        echo "$port" >"$dir/port"
        write_url "$port"
        echo "test-postgres: started on port $port ($data)"
        return
      fi
      as_server "$bin/pg_ctl" stop -D "$data" -m immediate >/dev/null 2>&1 || true
    fi
    echo "test-postgres: start attempt $attempt failed" >&2
  done
  tail -n 20 "$base/server.log" >&2 || true
  die "PostgreSQL did not start (log: $base/server.log)"
}

stop() {
  rm -f "$dir/url"
  [[ -n ${KNOOPPUNT_TEST_POSTGRES:-} ]] && return
  [[ -f $dir/base ]] || return 0
  local bin data
  bin=$(find_bin)
  data=$(cat "$dir/base")/data
  if running "$bin" "$data"; then
    as_server "$bin/pg_ctl" stop -D "$data" -m fast -w >/dev/null
    echo "test-postgres: stopped"
  fi
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
