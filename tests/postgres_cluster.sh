#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks:
#   postgres_cluster.sh start STATE_DIR   initdb + pg_ctl start as an unprivileged user, listening only
#                                         on a Unix socket in a fresh temporary folder; writes
#                                         STATE_DIR/uri (a libpq URI without a password),
#                                         STATE_DIR/pgpass (the password, for PGPASSFILE) and
#                                         STATE_DIR/cluster (the temporary folder)
#   postgres_cluster.sh stop STATE_DIR    stops the server and removes the temporary folder
#   postgres_cluster.sh restart STATE_DIR pg_ctl restart (fault tests: the server goes away mid-run)
# As root the server runs as the `postgres` user (initdb refuses root); otherwise as the caller.
# Password authentication (scram-sha-256) is on, so a wrong password is refused as in production.
set -euo pipefail
command=${1:?usage: postgres_cluster.sh start|stop|restart STATE_DIR}
state=${2:?usage: postgres_cluster.sh start|stop|restart STATE_DIR}

bindir=${MMDREG_PG_BINDIR:-}
if [ -z "$bindir" ]; then
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir=$candidate
  done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "postgres_cluster: no PostgreSQL server found (initdb); scripts/install-deps installs postgresql-15" >&2
  exit 1
fi

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    mkdir -p "$state"
    if [ -f "$state/cluster" ] && [ -d "$(cat "$state/cluster")" ]; then
      "$0" stop "$state"
    fi
    cluster=$(mktemp -d "${TMPDIR:-/tmp}/mmdreg-pg.XXXXXX")
    echo "$cluster" >"$state/cluster"
    chmod 755 "$cluster"
    mkdir -p "$cluster/data" "$cluster/socket"
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$password" >"$cluster/password"
    if [ "$(id -u)" -eq 0 ]; then
      chown -R postgres: "$cluster"
    fi
    as_server_user "$bindir/initdb" -D "$cluster/data" -U mmdreg --auth=scram-sha-256 \
      --pwfile="$cluster/password" -E UTF8 --locale=C.UTF-8 >"$cluster/initdb.log" 2>&1 ||
      { cat "$cluster/initdb.log" >&2; exit 1; }
    rm -f "$cluster/password"
    # A small server for a 2-core machine; durable commits as in production (fsync and
    # synchronous_commit stay on).
    cat >>"$cluster/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$cluster/socket'
max_connections = 100
shared_buffers = 128MB
max_wal_size = 2GB
EOF
    as_server_user "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 start \
      >/dev/null || { cat "$cluster/server.log" >&2; exit 1; }
    printf 'postgresql://mmdreg@/postgres?host=%s\n' "$cluster/socket" >"$state/uri"
    printf '%s:5432:*:mmdreg:%s\n' "$cluster/socket" "$password" >"$state/pgpass"
    chmod 600 "$state/pgpass"
    echo "postgres_cluster: server up, socket in $cluster/socket"
    ;;
  stop)
    [ -f "$state/cluster" ] || exit 0
    cluster=$(cat "$state/cluster")
    if [ -d "$cluster/data" ]; then
      as_server_user "$bindir/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$cluster"
    rm -f "$state/cluster" "$state/uri" "$state/pgpass"
    ;;
  restart)
    cluster=$(cat "$state/cluster")
    as_server_user "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -m fast -w -t 60 \
      restart >/dev/null
    ;;
  *)
    echo "postgres_cluster: unknown command '$command'" >&2
    exit 2
    ;;
esac
