#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a Unix socket in a temporary directory.
#   test/cluster.sh start      prints the directory (socket dir, data in DIR/data)
#   test/cluster.sh stop DIR   stops it and removes DIR
# PostgreSQL refuses to run as root, so as root the server runs as the
# postgres OS user. It never listens on a TCP address.
set -euo pipefail
bindir=$("${PG_CONFIG:-pg_config}" --bindir)
as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/eventml-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_server_user "$bindir/initdb" -D "$dir/data" -A trust -U postgres --no-sync --locale=C --encoding=UTF8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    as_server_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
        -o "-k $dir -c listen_addresses= -p 5432 -c max_parallel_workers_per_gather=2 -c fsync=off" >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    echo "$dir"
    ;;
stop)
    dir=${2:?directory}
    as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    if grep -q "terminated by signal" "$dir/server.log"; then
        echo "the server crashed:" >&2
        grep -B2 -A2 "terminated by signal" "$dir/server.log" >&2
        rm -rf "$dir"
        exit 1
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
