# Sourced by bench/run: a throwaway PostgreSQL on 127.0.0.1 for the PostgreSQL-mode benchmark, as .ci/run starts one
# (installed with apt-get when missing; PostgreSQL refuses to run as root, so as the 'postgres' user then).

pg_root=""
pg_bin=""

_newest_initdb() { { ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null || command -v initdb || true; } | sort -V | tail -n 1; }

_as_postgres() {
  if [[ "$(id -u)" -eq 0 ]]; then
    su postgres -s /bin/sh -c "cd / && $(printf '%q ' "$@")"
  else
    "$@"
  fi
}

# start_postgres: starts the server and sets POSTGRES_CONNECTION; returns 1 (and says why) when it cannot.
start_postgres() {
  if [[ -z "$(_newest_initdb)" ]]; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
      echo "Installing the PostgreSQL server with apt-get (initdb not found)"
      apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >/dev/null || true
    fi
  fi
  local initdb; initdb="$(_newest_initdb)"
  if [[ -z "$initdb" ]]; then
    echo "No PostgreSQL server binaries (initdb) and none could be installed: PostgreSQL mode is skipped."
    return 1
  fi
  pg_bin="$(dirname "$initdb")"
  # A folder of its own, owned by the postgres user when run as root (it cannot enter root's mktemp folders).
  pg_root="$(mktemp -d /tmp/benchsuite-postgres.XXXXXX)"
  [[ "$(id -u)" -ne 0 ]] || chown postgres: "$pg_root"

  local port=55532
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
    [[ "$port" -lt 55552 ]] || { echo "No free port in 55532-55551 for PostgreSQL."; return 1; }
  done
  if ! _as_postgres "$pg_bin/initdb" -D "$pg_root/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null; then
    echo "initdb failed: PostgreSQL mode is skipped."
    return 1
  fi
  # Durability settings off: the data is thrown away, and fsync would measure the disk, not the service.
  if ! _as_postgres "$pg_bin/pg_ctl" -D "$pg_root/data" -l "$pg_root/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_root -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null; then
    echo "PostgreSQL did not start; its log:"
    cat "$pg_root/server.log" || true
    return 1
  fi
  POSTGRES_CONNECTION="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "Started a throwaway PostgreSQL ($pg_bin) on 127.0.0.1:$port"
}

stop_postgres() {
  [[ -n "$pg_root" ]] || return 0
  if [[ -f "$pg_root/data/postmaster.pid" ]]; then
    _as_postgres "$pg_bin/pg_ctl" -D "$pg_root/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$pg_root"
  pg_root=""
}
