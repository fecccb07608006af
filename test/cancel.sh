#!/usr/bin/env bash
# Query cancel reaches eventml's long loops: a logistic fit in its IRLS
# iterations and a path pattern run over millions of events are cancelled
# with pg_cancel_backend while inside eventml's code, and the query must end
# within one second of the cancel. Each query first runs to the end to measure
# it; the second run is cancelled at 80 % of that time, when the rows have
# been read and eventml's final function is running.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_config=${PG_CONFIG:-pg_config}
bin=$($pg_config --bindir)
dir=$(test/cluster.sh start)
work=$(mktemp -d /tmp/eventml-cancel.XXXXXX)
trap 'test/cluster.sh stop "$dir"; rm -rf "$work"' EXIT
export PGHOST=$dir PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
psql() { "$bin/psql" -X -q "$@"; }
psql -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION eventml;
CREATE TABLE wide AS
SELECT (i % 3 = 0) AS y, ARRAY(SELECT sin(i * j) FROM generate_series(1, 150) j) AS x FROM generate_series(1, 100000) i;
CREATE TABLE long_events AS SELECT timestamptz '2026-01-01' + i * interval '1 second' AS ts FROM generate_series(1, 6000000) i;
VACUUM ANALYZE wide, long_events;
SQL
failed=0
cancel_case() {  # cancel_case NAME QUERY
    local name=$1 query=$2
    local t0 t1 wait
    t0=$(date +%s%N); psql -c "$query" >/dev/null; t1=$(date +%s%N)
    wait=$(awk -v ns=$(( t1 - t0 )) 'BEGIN { printf "%.2f", ns * 0.8 / 1e9 }')
    psql -c "SET application_name = 'eventml_cancel'" -c "$query" >"$work/out" 2>&1 &
    local client=$!
    sleep "$wait"
    local sent ended
    sent=$(date +%s%N)
    local cancelled
    cancelled=$(psql -At -c "SELECT count(*) FROM (SELECT pg_cancel_backend(pid) FROM pg_stat_activity
                                                     WHERE application_name = 'eventml_cancel' AND state = 'active') c")
    wait "$client" || true
    ended=$(date +%s%N)
    local ms=$(( (ended - sent) / 1000000 ))
    if [ "$cancelled" = 1 ] && grep -q "canceling statement due to user request" "$work/out" && [ "$ms" -lt 1000 ]; then
        echo "ok   $name: stopped ${ms} ms after pg_cancel_backend (sent at ${wait} s)"
    else
        echo "FAIL $name: cancelled=$cancelled, ${ms} ms after the cancel; psql printed: $(cat "$work/out")"
        failed=1
    fi
}
cancel_case "logit_fit (IRLS over 100,000 rows x 150 columns)" "SELECT logit_fit(y, x) FROM wide"
cancel_case "path_count (a 10,000-step pattern over 6,000,000 events)" \
    "SELECT path_count(repeat('.', 10000), ts, true) FROM long_events"
exit $failed
