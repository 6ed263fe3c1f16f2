#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a temp dir, for tests and CI.
#   scripts/postgres.sh start [PORT]   prints the DATABASE_URL on stdout (last line)
#   scripts/postgres.sh stop DIR       stops the cluster started in DIR and removes it
# initdb refuses to run as root, so as root the server runs as the `postgres` OS user.
set -euo pipefail

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "${1:-}" in
  start)
    BIN=$(pg_bin)
    [ -n "$BIN" ] && [ -x "$BIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
    PORT=${2:-$(free_port)}
    DIR=$(mktemp -d /tmp/tierdesk-pg.XXXXXX)
    chmod 755 "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DIR"; fi
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
    echo "PGDIR=$DIR"
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    DIR=${2:?usage: scripts/postgres.sh stop DIR}
    BIN=$(pg_bin)
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: scripts/postgres.sh start [PORT] | stop DIR" >&2
    exit 2
    ;;
esac
