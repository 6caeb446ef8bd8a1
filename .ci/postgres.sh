#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the test suite and export its URL.
# Usage (CI and developers alike):  source .ci/postgres.sh   → sets CASR_TEST_POSTGRES_URL
# Installs Debian's postgresql package when the server binaries are missing.
casr_start_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "installing postgresql"
    apt-get update -qq || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null || return 1
  fi
  local pg_bin pg_port pg_data as_postgres=()
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_port=${CASR_TEST_POSTGRES_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  pg_data=$(mktemp -d /tmp/casr-pg-XXXXXX) || return 1
  if [[ $(id -u) == 0 ]]; then
    chown postgres:postgres "$pg_data" || return 1
    as_postgres=(su postgres -s /bin/bash -c)
  else
    as_postgres=(bash -c)
  fi
  "${as_postgres[@]}" "$pg_bin/initdb -D $pg_data -A trust -U postgres --no-sync -E UTF8 >/dev/null" || return 1
  "${as_postgres[@]}" "$pg_bin/pg_ctl -D $pg_data -l $pg_data/server.log -w -o \"-p $pg_port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start >/dev/null" || {
    cat "$pg_data/server.log" >&2
    return 1
  }
  export CASR_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:${pg_port}/postgres"
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:${pg_port} (data in $pg_data)"
}
casr_start_postgres
