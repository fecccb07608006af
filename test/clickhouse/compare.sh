#!/usr/bin/env bash
# Compares eventml's funnel, retention and path family with ClickHouse itself
# on the same generated events: every user's funnel level for several windows
# and step lists, retention array, sequenceMatch/sequenceCount result for
# sixteen patterns, and ordered path. Needs a ClickHouse server, so it is
# not part of `make test`; it installs Debian's clickhouse-server when missing
# and runs it on 127.0.0.1 only (test/clickhouse/server.sh), then stops it.
#
# Debian 12 ships ClickHouse 18.16, whose windowFunnel has no modes and orders
# events with equal timestamps by input order, and whose retention records
# only the first true condition of a row. So the data here has no two events
# of a user at the same second, no row meeting two funnel steps (18.16 cannot
# advance two steps on one row; ClickHouse >= 21.2 and eventml can), and at
# most one retention condition per row;
# the modes are checked against ClickHouse's own test cases instead
# (sql/funnel.sql, test/unit/funnel_test.cpp). Usage: test/clickhouse/compare.sh [users]
set -euo pipefail
USERS=${1:-20000}
cd "$(dirname "$0")/../.."
PG_CONFIG=${PG_CONFIG:-$(ls /usr/lib/postgresql/15/bin/pg_config 2>/dev/null || echo pg_config)}
export PG_CONFIG
make -s all install >/dev/null

work=$(mktemp -d /tmp/eventml-compare.XXXXXX)
pg=$(test/cluster.sh start)
clickhouse=$(test/clickhouse/server.sh start)
trap 'test/clickhouse/server.sh stop "$clickhouse"; test/cluster.sh stop "$pg"; rm -rf "$work"' EXIT
ch() { clickhouse-client --host 127.0.0.1 --port 19000 "$@"; }
version=$(ch -q 'SELECT version()')

export PGHOST=$pg PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
PSQL="$($PG_CONFIG --bindir)/psql -X -q -v ON_ERROR_STOP=1"
$PSQL <<SQL
CREATE EXTENSION eventml;
-- Events one to 60 seconds apart per user (so no ties), over a few days.
CREATE TABLE events AS
SELECT user_id, timestamptz '2026-01-01' + sum(gap) OVER (PARTITION BY user_id ORDER BY i) * interval '1 second' AS ts,
       event
FROM (SELECT user_id, i, 1 + (random() * 59)::int * (CASE WHEN random() < 0.05 THEN 1000 ELSE 1 END) AS gap,
             (ARRAY['view', 'search', 'cart', 'buy', 'view'])[1 + floor(random() * 5)::int] AS event
      FROM generate_series(1, $USERS) user_id, generate_series(1, 1 + (random() * 40)::int) i) g;
\copy (SELECT user_id, extract(epoch FROM ts)::bigint, event FROM events) TO '$work/events.csv' WITH (FORMAT csv)
SQL
ch -q 'CREATE TABLE events (user_id UInt32, ts UInt32, event String) ENGINE = Memory'
ch -q 'INSERT INTO events FORMAT CSV' <"$work/events.csv"

# Each check: the same aggregate in both systems, per user, compared row by row.
failed=0
passed=0
check() {  # check NAME CLICKHOUSE_EXPRESSION EVENTML_EXPRESSION
    ch -q "SELECT user_id, toString($2) FROM events GROUP BY user_id FORMAT TSV" >"$work/ch.tsv"
    local result
    result=$($PSQL -At <<SQL
CREATE TEMP TABLE ch (user_id int, result text);
\copy ch FROM '$work/ch.tsv'
SELECT count(*) || ' ' || count(*) FILTER (WHERE ch.result IS DISTINCT FROM ours.result)
FROM ch FULL JOIN (SELECT user_id, ($3)::text AS result FROM events GROUP BY user_id) ours USING (user_id);
SQL
)
    local users=${result% *} differing=${result#* }
    if [ "$differing" = 0 ] && [ "$users" -gt 0 ]; then
        passed=$((passed + 1)); echo "ok   $1: $users users agree"
    else
        failed=$((failed + 1)); echo "FAIL $1: $differing of $users users differ"
    fi
}
for window in 60 600 3600 86400; do
    check "funnel view>cart>buy, window ${window}s" \
        "windowFunnel($window)(ts, event = 'view', event = 'cart', event = 'buy')" \
        "funnel(ts, '$window seconds', event = 'view', event = 'cart', event = 'buy')"
    check "funnel search>view>cart>buy, window ${window}s" \
        "windowFunnel($window)(ts, event = 'search', event = 'view', event = 'cart', event = 'buy')" \
        "funnel(ts, '$window seconds', event = 'search', event = 'view', event = 'cart', event = 'buy')"
done
# ClickHouse prints retention as [1,0,1]; eventml as {t,f,t}.
check "retention by day" \
    "replaceAll(replaceAll(replaceAll(replaceAll(toString(retention(toDate(ts) = '2026-01-01', toDate(ts) = '2026-01-02', toDate(ts) = '2026-01-03')), '[', '{'), ']', '}'), '1', 't'), '0', 'f')" \
    "retention(ts < '2026-01-02', ts >= '2026-01-02' AND ts < '2026-01-03', ts >= '2026-01-03' AND ts < '2026-01-04')"
# Paths: sequenceMatch / sequenceCount (18.16 takes DateTime timestamps and
# has no (?t==S), so == is checked against ClickHouse's own test cases in
# sql/paths.sql instead), and path_agg against a sorted groupArray.
conds_ch="event = 'view', event = 'search', event = 'cart', event = 'buy'"
for pattern in '(?1)(?2)' '(?1).(?3)' '(?2).*(?4)' '(?1)(?t<=60)(?3)' '(?1)(?t<120)(?3)(?t>30)(?4)' \
               '(?2)(?t>300)(?1)' '(?1)(?t>=600).*(?4)' '.*(?3)(?4)' '(?1).(?1)' '(?3)(?t<30)' '(?t>3600)(?4)' \
               '(?1)(?2)(?3)(?4)' '(?1)(?t<=5)(?1)' '.' '(?4)(?t>=1)' '(?2)..(?3)(?t<=300)'; do
    check "path_match '$pattern'" "sequenceMatch('$pattern')(toDateTime(ts), $conds_ch)" \
        "path_match('$pattern', ts, $conds_ch)::int"
    check "path_count '$pattern'" "sequenceCount('$pattern')(toDateTime(ts), $conds_ch)" \
        "path_count('$pattern', ts, $conds_ch)"
done
check "path_count '.' over view and cart only" "sequenceCount('.')(toDateTime(ts), event = 'view', event = 'cart')" \
    "path_count('.', ts, event = 'view', event = 'cart')"
check "path_agg" "arrayStringConcat(arrayMap(x -> x.2, arraySort(groupArray((ts, event)))), ',')" \
    "array_to_string(path_agg(ts, event), ',')"
check "path_agg collapsed, first 5" \
    "arrayStringConcat(arraySlice(arrayFilter((e, i) -> i = 1 OR e != path[i - 1], arrayMap(x -> x.2, arraySort(groupArray((ts, event)))) AS path, arrayEnumerate(path)), 1, 5), ',')" \
    "array_to_string(path_agg(ts, event, true, 5), ',')"
echo "compared with ClickHouse $version"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
