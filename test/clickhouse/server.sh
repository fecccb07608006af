#!/usr/bin/env bash
# A throwaway ClickHouse server on 127.0.0.1 only (TCP port 19000), in a
# temporary directory; installs Debian's clickhouse-server when missing.
#   test/clickhouse/server.sh start      prints the directory
#   test/clickhouse/server.sh stop DIR   stops it and removes DIR
set -euo pipefail
case "${1:-}" in
start)
    if ! command -v clickhouse-server >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            clickhouse-server clickhouse-client >/dev/null
    fi
    dir=$(mktemp -d /tmp/eventml-ch.XXXXXX)
    mkdir -p "$dir/data" "$dir/log"
    sed -e "s|/var/log/clickhouse-server/|$dir/log/|g" -e "s|/var/lib/clickhouse/|$dir/data/|g" \
        -e "s|<http_port>8123</http_port>|<http_port>18123</http_port>|" \
        -e "s|<tcp_port>9000</tcp_port>|<tcp_port>19000</tcp_port>|" \
        -e "s|<interserver_http_port>9009</interserver_http_port>|<interserver_http_port>19009</interserver_http_port>|" \
        -e "s|<listen_host>::1</listen_host>||" \
        /etc/clickhouse-server/config.xml >"$dir/config.xml"
    cp /etc/clickhouse-server/users.xml "$dir/"
    clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 60); do
        clickhouse-client --host 127.0.0.1 --port 19000 -q 'SELECT 1' >/dev/null 2>&1 && break
        sleep 1
    done
    clickhouse-client --host 127.0.0.1 --port 19000 -q 'SELECT 1' >/dev/null
    echo "$dir"
    ;;
stop)
    dir=${2:?directory}
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
