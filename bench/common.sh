# Shared by the bench/ scripts: a throwaway cluster sized for benchmarks and a
# timing helper that reports the best of several runs in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-$(ls /usr/lib/postgresql/15/bin/pg_config 2>/dev/null || echo pg_config)}
export PG_CONFIG
make -s all install >/dev/null
BENCH_DIR=$(test/cluster.sh start)
trap 'test/cluster.sh stop "$BENCH_DIR"' EXIT
export PGHOST=$BENCH_DIR PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
PSQL="$($PG_CONFIG --bindir)/psql -X -q -v ON_ERROR_STOP=1"
$PSQL -c "ALTER SYSTEM SET shared_buffers = '2GB'" -c "ALTER SYSTEM SET work_mem = '256MB'" \
      -c "ALTER SYSTEM SET max_worker_processes = 8" -c "ALTER SYSTEM SET jit = off"
runuser -u postgres -- "$($PG_CONFIG --bindir)/pg_ctl" -D "$BENCH_DIR/data" -w restart >/dev/null 2>&1 ||
    "$($PG_CONFIG --bindir)/pg_ctl" -D "$BENCH_DIR/data" -w restart >/dev/null
$PSQL <<'SQL'
CREATE EXTENSION eventml;
-- best_ms(query, runs): the fastest of runs executions, in milliseconds.
CREATE FUNCTION best_ms(query text, runs int DEFAULT 5) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE best float8 := 'Infinity'; t0 timestamptz;
BEGIN
    FOR i IN 1..runs LOOP
        t0 := clock_timestamp();
        EXECUTE query;
        best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
    RETURN best;
END $$;
-- compare_ms(floor, query, runs): the fastest of runs executions of each,
-- interleaved so that both see the same machine.
CREATE FUNCTION compare_ms(floor text, query text, runs int DEFAULT 5,
                           OUT floor_ms float8, OUT query_ms float8) LANGUAGE plpgsql AS $$
BEGIN
    floor_ms := 'Infinity';
    query_ms := 'Infinity';
    FOR i IN 1..runs LOOP
        floor_ms := least(floor_ms, best_ms(floor, 1));
        query_ms := least(query_ms, best_ms(query, 1));
    END LOOP;
END $$;
SQL
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p'); $(date -u +%F); $($PG_CONFIG --version)"

# start_clickhouse_events: Debian's ClickHouse (test/clickhouse/server.sh) with
# a copy of the PostgreSQL table events(user_id, ts, event), ts as UInt32
# seconds (18.16's DateTime); both servers are stopped on exit.
start_clickhouse_events() {
    BENCH_CSV=$(mktemp /tmp/eventml-events.XXXXXX.csv)
    $PSQL -c "\\copy (SELECT user_id, extract(epoch FROM ts)::bigint, event FROM events) TO '$BENCH_CSV' WITH (FORMAT csv)"
    BENCH_CLICKHOUSE=$(test/clickhouse/server.sh start)
    trap 'test/clickhouse/server.sh stop "$BENCH_CLICKHOUSE"; rm -f "$BENCH_CSV"; test/cluster.sh stop "$BENCH_DIR"' EXIT
    ch -q 'CREATE TABLE events (user_id UInt32, ts UInt32, event String) ENGINE = MergeTree ORDER BY user_id'
    ch -q 'INSERT INTO events FORMAT CSV' <"$BENCH_CSV"
}
ch() { clickhouse-client --host 127.0.0.1 --port 19000 "$@"; }
# best_ch QUERY: the fastest of 3 ClickHouse runs, in ms.
best_ch() {
    local best=
    for _ in 1 2 3; do
        local t0 t1 ms
        t0=$(date +%s%N); ch -q "$1" >/dev/null; t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$best"
}

# create_lateral_funnel: the view lateral_funnel(user_id, level) over the table
# events, the 3-step funnel view -> cart -> buy within 1 hour written in pure
# SQL as users write it today (LATERAL lookups; it needs an index on
# (user_id, event, ts)). A view is inlined, so timing it times the query.
create_lateral_funnel() {
    $PSQL <<'SQL'
CREATE VIEW lateral_funnel (user_id, level) AS
SELECT u.user_id, coalesce(max(CASE WHEN b.ts IS NOT NULL THEN 3 WHEN c.ts IS NOT NULL THEN 2
                                    WHEN v.ts IS NOT NULL THEN 1 END), 0)
FROM (SELECT DISTINCT user_id FROM events) u
LEFT JOIN events v ON v.user_id = u.user_id AND v.event = 'view'
LEFT JOIN LATERAL (SELECT min(c.ts) AS ts FROM events c WHERE c.user_id = u.user_id AND c.event = 'cart'
                   AND c.ts > v.ts AND c.ts <= v.ts + interval '1 hour') c ON true
LEFT JOIN LATERAL (SELECT min(b.ts) AS ts FROM events b WHERE b.user_id = u.user_id AND b.event = 'buy'
                   AND b.ts > c.ts AND b.ts <= v.ts + interval '1 hour') b ON true
GROUP BY u.user_id;
SQL
}

# compare_queries [PARALLEL_SQL] <<'SQL' ... SQL
# Runs the SQL on stdin, which defines the view queries (what, floor, query,
# runs) and any settings, then times each floor against its query
# (compare_ms) serially and with 2 parallel workers (after PARALLEL_SQL), and
# prints the table of both times and their ratio.
compare_queries() {
    local setup
    setup=$(cat)
    $PSQL <<SQL
\pset footer off
CREATE TEMP TABLE timings (workers int, what text, first_ms float8, second_ms float8);
$setup
SET max_parallel_workers_per_gather = 0;
INSERT INTO timings SELECT 0, what, (compare_ms(floor, query, runs)).* FROM queries;
SET max_parallel_workers_per_gather = 2;
${1:-}
INSERT INTO timings SELECT 2, what, (compare_ms(floor, query, runs)).* FROM queries;
SELECT workers, what, round(first_ms) AS first_ms, round(second_ms) AS second_ms,
       round((second_ms / first_ms)::numeric, 2) AS ratio
FROM timings ORDER BY workers, what;
SQL
}
