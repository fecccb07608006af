#!/usr/bin/env bash
# A 3-step funnel within 1 hour on 10 M events of 500 k users, serial and
# with 2 parallel workers: funnel ... GROUP BY user against count(*) ...
# GROUP BY user (PostgreSQL's floor), against the pure-SQL LATERAL funnel
# users write today (with an index on (user_id, event, ts)), and against
# ClickHouse's windowFunnel on the same rows (test/clickhouse/server.sh).
# Usage: bench/funnel.sh [events] [users]
EVENTS=${1:-10000000}
USERS=${2:-500000}
source "$(dirname "$0")/common.sh"
$PSQL <<SQL
CREATE TABLE events AS
SELECT (random() * $USERS)::int AS user_id,
       timestamptz '2026-01-01' + random() * interval '30 days' AS ts,
       (ARRAY['view', 'view', 'search', 'cart', 'buy'])[1 + (random() * 4.999)::int] AS event
FROM generate_series(1, $EVENTS);
CREATE INDEX ON events (user_id, event, ts);
VACUUM ANALYZE events;
SQL
create_lateral_funnel
compare_queries <<'SQL'
CREATE TEMP VIEW queries (what, floor, query, runs) AS VALUES
    ('funnel vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT max(l) FROM (SELECT funnel(ts, '1 hour', event = 'view', event = 'cart', event = 'buy') AS l
                          FROM events GROUP BY user_id) s$$, 3),
    ('funnel_excluding vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT max(l) FROM (SELECT funnel_excluding(ts, '1 hour', '', event = 'search', event = 'view', event = 'cart',
                                                   event = 'buy') AS l
                          FROM events GROUP BY user_id) s$$, 3),
    ('funnel unordered vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT max(l) FROM (SELECT funnel(ts, '1 hour', 'unordered', event = 'view', event = 'cart', event = 'buy') AS l
                          FROM events GROUP BY user_id) s$$, 3),
    ('funnel_trends (day) vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT count(t) FROM funnel_trends('SELECT user_id, ts, event FROM events', ARRAY['view', 'cart', 'buy'],
                                          '1 hour', 'day') t$$, 1),
    ('funnel_drivers vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT count(d) FROM funnel_drivers('SELECT user_id, ts, event FROM events', ARRAY['view', 'buy'], '1 hour') d$$, 1),
    ('funnel vs pure-SQL LATERAL',
     $$SELECT max(l) FROM (SELECT funnel(ts, '1 hour', event = 'view', event = 'cart', event = 'buy') AS l
                          FROM events GROUP BY user_id) s$$,
     'SELECT max(level) FROM lateral_funnel', 1);
SQL

# ClickHouse's windowFunnel on the same rows (Debian's 18.16: DateTime as UInt32 seconds).
start_clickhouse_events
count_ms=$(best_ch "SELECT max(c) FROM (SELECT count() AS c FROM events GROUP BY user_id)")
funnel_ms=$(best_ch "SELECT max(l) FROM (SELECT windowFunnel(3600)(ts, event = 'view', event = 'cart', event = 'buy') AS l FROM events GROUP BY user_id)")
pg_ms=$($PSQL -At -c "SET max_parallel_workers_per_gather = 0" -c "SELECT round(best_ms(\$\$SELECT max(l) FROM (SELECT funnel(ts, '1 hour', event = 'view', event = 'cart', event = 'buy') AS l FROM events GROUP BY user_id) s\$\$, 3))")
echo "ClickHouse $(ch -q 'SELECT version()') (all cores): count() GROUP BY user ${count_ms} ms, windowFunnel GROUP BY user ${funnel_ms} ms;" \
     "eventml funnel serial ${pg_ms} ms: $(echo "scale=2; $pg_ms / $funnel_ms" | bc)x ClickHouse's time"
