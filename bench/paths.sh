#!/usr/bin/env bash
# Paths on 10 M events of 500 k users, serial and with 2 parallel workers:
# path_agg ... GROUP BY user against array_agg(event ORDER BY ts) ... GROUP BY
# user (how users build paths today) and count(*) (PostgreSQL's floor); a
# 3-step timed path_match against count(*) and against ClickHouse's
# sequenceMatch on the same rows. Usage: bench/paths.sh [events] [users]
EVENTS=${1:-10000000}
USERS=${2:-500000}
source "$(dirname "$0")/common.sh"
$PSQL <<SQL
CREATE TABLE events AS
SELECT (random() * $USERS)::int AS user_id,
       date_trunc('second', timestamptz '2026-01-01' + random() * interval '30 days') AS ts,
       (ARRAY['view', 'view', 'search', 'cart', 'buy'])[1 + floor(random() * 5)::int] AS event
FROM generate_series(1, $EVENTS);
VACUUM ANALYZE events;
SQL
compare_queries <<'SQL'
CREATE TEMP VIEW queries (what, floor, query, runs) AS VALUES
    ('path_agg vs array_agg(ORDER BY ts)',
     'SELECT max(cardinality(p)) FROM (SELECT array_agg(event ORDER BY ts) AS p FROM events GROUP BY user_id) s',
     'SELECT max(cardinality(p)) FROM (SELECT path_agg(ts, event) AS p FROM events GROUP BY user_id) s', 3),
    ('path_agg vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     'SELECT max(cardinality(p)) FROM (SELECT path_agg(ts, event) AS p FROM events GROUP BY user_id) s', 3),
    ('path_match 3 timed steps vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT count(*) FILTER (WHERE m) FROM (
         SELECT path_match('(?1)(?t<=3600)(?2)(?t<=3600)(?3)', ts, event = 'view', event = 'cart', event = 'buy') AS m
         FROM events GROUP BY user_id) s$$, 3),
    ('path_count untimed vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT sum(c) FROM (SELECT path_count('(?1).*(?2).*(?3)', ts, event = 'view', event = 'cart', event = 'buy') AS c
                          FROM events GROUP BY user_id) s$$, 3),
    ('path_match_events vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT sum(cardinality(m)) FROM (
         SELECT path_match_events('(?1).*(?2).*(?3)', ts, event = 'view', event = 'cart', event = 'buy') AS m
         FROM events GROUP BY user_id) s$$, 3),
    ('path_match within 1 hour vs count(*)',
     'SELECT max(c) FROM (SELECT count(*) AS c FROM events GROUP BY user_id) s',
     $$SELECT count(*) FILTER (WHERE m) FROM (
         SELECT path_match('(?1).*(?2).*(?3)', ts, interval '1 hour', event = 'view', event = 'cart', event = 'buy') AS m
         FROM events GROUP BY user_id) s$$, 3);
SQL

start_clickhouse_events
count_ms=$(best_ch "SELECT max(c) FROM (SELECT count() AS c FROM events GROUP BY user_id)")
match_ms=$(best_ch "SELECT countIf(m) FROM (SELECT sequenceMatch('(?1)(?t<=3600)(?2)(?t<=3600)(?3)')(toDateTime(ts), event = 'view', event = 'cart', event = 'buy') AS m FROM events GROUP BY user_id)")
same=$(ch -q "SELECT countIf(m) FROM (SELECT sequenceMatch('(?1)(?t<=3600)(?2)(?t<=3600)(?3)')(toDateTime(ts), event = 'view', event = 'cart', event = 'buy') AS m FROM events GROUP BY user_id)")
pg=$($PSQL -At -c "SET max_parallel_workers_per_gather = 0" -c "SELECT count(*) FILTER (WHERE m) FROM (SELECT path_match('(?1)(?t<=3600)(?2)(?t<=3600)(?3)', ts, event = 'view', event = 'cart', event = 'buy') AS m FROM events GROUP BY user_id) s")
pg_ms=$($PSQL -At -c "SET max_parallel_workers_per_gather = 0" -c "SELECT round(best_ms(\$\$SELECT count(*) FILTER (WHERE m) FROM (SELECT path_match('(?1)(?t<=3600)(?2)(?t<=3600)(?3)', ts, event = 'view', event = 'cart', event = 'buy') AS m FROM events GROUP BY user_id) s\$\$, 3))")
echo "ClickHouse $(ch -q 'SELECT version()') (all cores): count() GROUP BY user ${count_ms} ms, sequenceMatch GROUP BY user ${match_ms} ms;" \
     "eventml path_match serial ${pg_ms} ms: $(echo "scale=2; $pg_ms / $match_ms" | bc)x ClickHouse's time;" \
     "users matched: ClickHouse $same, eventml $pg"
